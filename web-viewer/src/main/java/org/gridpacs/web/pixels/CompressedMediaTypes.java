package org.gridpacs.web.pixels;

import java.util.regex.Pattern;

import org.gridpacs.dicom.data.UID;

/**
 * The media type of bulk data compressed in a transfer syntax (PS3.18 8.7.3.3.2, Table 8.7.3-2): what a
 * compressed frame is labelled with, beside its {@code transfer-syntax} parameter, so that a client that reads only
 * the media type (cornerstone does when the parameter is missing) still decodes it right.
 */
public final class CompressedMediaTypes {
    public static final String OCTET_STREAM = "application/octet-stream";
    /** JPEG baseline, extended, lossless (PS3.5 A.4.1): compiled once, asked for on every frame request. */
    private static final Pattern JPEG = Pattern.compile("1\\.2\\.840\\.10008\\.1\\.2\\.4\\.(5[0-9]|6[0-6]|70)");

    private CompressedMediaTypes() {
    }

    /** "image/jpeg", "image/jls", ... for a compressed syntax; application/octet-stream for any other. */
    public static String of(String transferSyntaxUid) {
        String ts = transferSyntaxUid.trim();
        if (ts.equals(UID.RLELossless)) {
            return "image/dicom-rle";
        }
        if (ts.equals(UID.JPEGLSLossless) || ts.equals(UID.JPEGLSNearLossless)) {
            return "image/jls";
        }
        if (ts.equals("1.2.840.10008.1.2.4.90") || ts.equals("1.2.840.10008.1.2.4.91")) {
            return "image/jp2";
        }
        if (ts.equals("1.2.840.10008.1.2.4.92") || ts.equals("1.2.840.10008.1.2.4.93")) {
            return "image/jpx";
        }
        if (ts.equals("1.2.840.10008.1.2.4.201") || ts.equals("1.2.840.10008.1.2.4.202")
                || ts.equals("1.2.840.10008.1.2.4.203")) {
            return "image/jphc";
        }
        if (JPEG.matcher(ts).matches()) {
            return "image/jpeg";
        }
        return OCTET_STREAM;
    }
}
