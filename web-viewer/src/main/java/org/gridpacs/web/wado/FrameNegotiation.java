package org.gridpacs.web.wado;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.media.AcceptHeader;
import org.gridpacs.web.media.MediaType;
import org.gridpacs.web.pixels.CompressedMediaTypes;
import org.gridpacs.web.pixels.SyntaxNames;
import org.gridpacs.web.wado.FrameRendition.Mode;

/**
 * Chooses how frames are sent from the Accept ranges, most preferred first (PS3.18 8.7.3.5; dicomweb.md 1.3, 5):
 * <ul>
 * <li>{@code application/octet-stream} without transfer-syntax (the default, also for a bare {@code multipart/related}
 * or {@code * / *}): Explicit VR Little Endian, i.e. native little-endian bytes; compressed data is decoded where a
 * decoder exists here (RLE, lossless JPEG), else this range cannot be met;</li>
 * <li>{@code transfer-syntax=*}: as stored; native data labelled with its (little-endian) syntax, compressed data with
 * its image media type ({@code image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.70});</li>
 * <li>{@code image/jpeg}, {@code image/jls}, ... : when the data are stored so (nothing is encoded here);</li>
 * <li>a bare media type (not multipart): a single-part answer, only for one frame.</li>
 * </ul>
 * Quoted and unquoted parameters are the same ({@link MediaType}); the transfer-syntax may also sit inside the
 * quoted type (as Orthanc writes it). No range that can be met: 406 with the reasons.
 */
final class FrameNegotiation {
    private FrameNegotiation() {
    }

    /**
     * @param stored the stored transfer syntax
     * @param parts  how many parts the answer has (a single-part answer holds one)
     * @param what   what is asked for, for the reason ("frames of instance 1.2.3")
     */
    static FrameRendition choose(AcceptHeader accept, TransferSyntax stored, int parts, String what)
            throws HttpProblem {
        List<String> reasons = new ArrayList<>();
        for (MediaType range : accept.ranges()) {
            MediaType inner;
            boolean multipart;
            String ts;
            if (range.isMultipartRelated()) {
                inner = range.related() != null ? range.related() : MediaType.of("application", "octet-stream");
                multipart = true;
                ts = range.parameter("transfer-syntax") != null ? range.parameter("transfer-syntax")
                        : inner.parameter("transfer-syntax");
            } else if (range.type().equals("*") || range.essence().equals("multipart/*")) {
                inner = MediaType.of("application", "octet-stream");
                multipart = true;
                ts = range.parameter("transfer-syntax");
            } else if (range.type().equals("multipart")) {
                reasons.add(range.essence() + " is not multipart/related");
                continue;
            } else {
                inner = range;
                multipart = false;
                ts = range.parameter("transfer-syntax");
                if (parts != 1) {
                    reasons.add("a single-part " + range.essence() + " answer cannot hold " + parts + " frames");
                    continue;
                }
            }
            FrameRendition r = rendition(inner, ts == null ? null : ts.trim(), stored, multipart, reasons);
            if (r != null) {
                return r;
            }
        }
        if (reasons.isEmpty()) {
            reasons.add("the Accept header accepts nothing");
        }
        throw HttpProblem.notAcceptable("cannot send " + what + " (stored as " + SyntaxNames.of(stored.uid()) + ") as asked: "
                + String.join("; ", reasons));
    }

    private static FrameRendition rendition(MediaType inner, String ts, TransferSyntax stored, boolean multipart,
                                            List<String> reasons) {
        String storedMedia = CompressedMediaTypes.of(stored.uid());
        boolean compressed = stored.encapsulated();
        MediaType octets = MediaType.of("application", "octet-stream");
        if (inner.includes(octets) && (ts == null || ts.equals(UID.ExplicitVRLittleEndian))) {
            String part = "application/octet-stream; transfer-syntax=" + UID.ExplicitVRLittleEndian;
            if (!compressed) {
                return new FrameRendition(Mode.NATIVE, part, CompressedMediaTypes.OCTET_STREAM, multipart);
            }
            if (FrameDecoder.canDecode(stored.uid())) {
                return new FrameRendition(Mode.DECODED, part, CompressedMediaTypes.OCTET_STREAM, multipart);
            }
            reasons.add("Explicit VR Little Endian needs " + SyntaxNames.of(stored.uid()) + " decoded, which is not done here");
            return null;
        }
        if ("*".equals(ts) && (inner.includes(octets) || compressed && inner.includes(MediaType.parse(storedMedia)))) {
            if (!compressed) {
                // uncompressed bulk data is little endian (PS3.18 8.7.3.3.2): big endian comes byte-swapped
                String label = stored.bigEndian() || stored.deflated() ? UID.ExplicitVRLittleEndian : stored.uid();
                return new FrameRendition(Mode.NATIVE, "application/octet-stream; transfer-syntax=" + label,
                        CompressedMediaTypes.OCTET_STREAM, multipart);
            }
            return new FrameRendition(Mode.AS_STORED, storedMedia + "; transfer-syntax=" + stored.uid(), storedMedia,
                    multipart);
        }
        if (compressed && ts != null && ts.equals(stored.uid()) && inner.includes(MediaType.parse(storedMedia))) {
            return new FrameRendition(Mode.AS_STORED, storedMedia + "; transfer-syntax=" + stored.uid(), storedMedia,
                    multipart);
        }
        if (compressed && ts != null && ts.equals(stored.uid()) && inner.includes(octets)) {
            return new FrameRendition(Mode.AS_STORED, "application/octet-stream; transfer-syntax=" + stored.uid(),
                    CompressedMediaTypes.OCTET_STREAM, multipart);
        }
        if (!compressed && ts != null && inner.includes(octets) && ts.equals(UID.ImplicitVRLittleEndian)) {
            return new FrameRendition(Mode.NATIVE, "application/octet-stream; transfer-syntax=" + ts,
                    CompressedMediaTypes.OCTET_STREAM, multipart);
        }
        if (compressed && ts == null && !inner.isWildcard() && inner.includes(MediaType.parse(storedMedia))) {
            return new FrameRendition(Mode.AS_STORED, storedMedia + "; transfer-syntax=" + stored.uid(), storedMedia,
                    multipart);
        }
        if (compressed && ts == null && inner.type().equals("image") && inner.subtype().equals("*")) {
            return new FrameRendition(Mode.AS_STORED, storedMedia + "; transfer-syntax=" + stored.uid(), storedMedia,
                    multipart);
        }
        String asked = inner.essence() + (ts != null ? " in " + ("*".equals(ts) ? "*" : SyntaxNames.of(ts)) : "");
        if (!inner.includes(octets) && inner.type().equals("image")) {
            reasons.add(asked + ": the frames are not stored so and are not encoded here");
        } else {
            reasons.add(asked + " is not available");
        }
        return null;
    }
}
