package org.gridpacs.web.viewer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A frame answer as OHIF's image loader reads it (cornerstone {@code extractMultipart} and
 * {@code getTransferSyntaxForContentType}, dicomweb.md 1.3), deliberately not by RFC 2046: the boundary is the first
 * line of the body that starts with "--" (the header's boundary parameter is not looked at), the part's media type
 * the line starting with "Content-Type:" (case-sensitive), the payload from CRLF CRLF to the next boundary less the
 * CRLF before it; a non-multipart answer is the payload itself. The transfer syntax is the part's transfer-syntax=
 * parameter, else the one of an image media type, else Implicit VR Little Endian (raw little-endian pixels).
 */
record CornerstoneFrame(String contentType, byte[] pixelData) {
    static final String IMPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    private static final Map<String, String> BY_MEDIA_TYPE = Map.of(
            "image/jpeg", "1.2.840.10008.1.2.4.50",
            "image/x-dicom-rle", "1.2.840.10008.1.2.5",
            "image/x-jls", "1.2.840.10008.1.2.4.80",
            "image/jls", "1.2.840.10008.1.2.4.80",
            "image/jll", "1.2.840.10008.1.2.4.70",
            "image/jp2", "1.2.840.10008.1.2.4.90",
            "image/jpx", "1.2.840.10008.1.2.4.92",
            "image/jxl", "1.2.840.10008.1.2.4.140");

    static CornerstoneFrame read(String responseContentType, byte[] body) {
        if (responseContentType == null || !responseContentType.contains("multipart")) {
            return new CornerstoneFrame(responseContentType, body);
        }
        int headerEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headerEnd < 0) {
            throw new AssertionError("cornerstone finds no end of part headers");
        }
        String boundary = null;
        String contentType = null;
        for (String line : new String(body, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (boundary == null && line.startsWith("--")) {
                boundary = line;
            }
            if (contentType == null && line.startsWith("Content-Type:")) {
                contentType = line.substring("Content-Type:".length()).trim();
            }
        }
        if (boundary == null) {
            throw new AssertionError("cornerstone finds no boundary line before the first part's payload");
        }
        int offset = headerEnd + 4;
        int end = indexOf(body, boundary.getBytes(StandardCharsets.ISO_8859_1), offset);
        if (end < 0) {
            throw new AssertionError("cornerstone finds no boundary after the payload");
        }
        return new CornerstoneFrame(contentType, Arrays.copyOfRange(body, offset, end - 2));
    }

    /** The transfer syntax cornerstone decodes the payload with. */
    String transferSyntax() {
        if (contentType == null) {
            return IMPLICIT_LITTLE_ENDIAN;
        }
        String[] parameters = contentType.split(";");
        Map<String, String> params = new HashMap<>();
        for (int i = 1; i < parameters.length; i++) {
            String[] kv = parameters[i].split("=");
            if (kv.length == 2) {
                params.put(kv[0].trim(), kv[1].trim().replace("\"", ""));
            }
        }
        if (params.containsKey("transfer-syntax")) {
            return params.get("transfer-syntax");
        }
        String type = params.getOrDefault("type", parameters[0].trim());
        String media = parameters[0].trim();
        return BY_MEDIA_TYPE.getOrDefault(type, BY_MEDIA_TYPE.getOrDefault(media, IMPLICIT_LITTLE_ENDIAN));
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
