package org.gridpacs.web.wado;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.Transcoder;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.media.AcceptHeader;
import org.gridpacs.web.media.MediaType;

/**
 * What the Accept ranges of an instance retrieve allow (PS3.18 8.7.3.5, 10.4.1): the transfer syntaxes, in order of
 * preference, in which the {@code application/dicom} parts may be sent, and whether the body is multipart. A range
 * without transfer-syntax means Explicit VR Little Endian; {@code *} means each instance as stored. Ranges for other
 * media types (bulk data, rendered images) cannot be met by a retrieve of instances and are left out; none left: 406.
 *
 * @param syntaxes  transfer syntax UIDs or "*", most preferred first
 * @param multipart false when the best range was a bare {@code application/dicom} (one instance, one Part 10 body)
 */
record InstanceNegotiation(List<String> syntaxes, boolean multipart) {
    static final String AS_STORED = "*";

    static InstanceNegotiation of(AcceptHeader accept, int instances) throws HttpProblem {
        Set<String> syntaxes = new LinkedHashSet<>();
        Boolean multipart = null;
        List<String> refused = new ArrayList<>();
        MediaType dicom = MediaType.of("application", "dicom");
        for (MediaType range : accept.ranges()) {
            boolean multi;
            String ts;
            if (range.isMultipartRelated() || range.essence().equals("multipart/*") || range.type().equals("*")) {
                MediaType inner = range.isMultipartRelated() ? range.related() : null;
                if (inner != null && !inner.includes(dicom)) {
                    refused.add("multipart/related; type=\"" + inner.essence() + "\"");
                    continue;
                }
                multi = true;
                ts = range.parameter("transfer-syntax") != null ? range.parameter("transfer-syntax")
                        : inner != null ? inner.parameter("transfer-syntax") : null;
            } else if (range.essence().equals("application/dicom")) {
                if (instances != 1) {
                    refused.add("a single-part application/dicom answer cannot hold " + instances + " instances");
                    continue;
                }
                multi = false;
                ts = range.parameter("transfer-syntax");
            } else {
                refused.add(range.essence());
                continue;
            }
            syntaxes.add(ts == null ? UID.ExplicitVRLittleEndian : ts.trim());
            if (multipart == null) {
                multipart = multi;
            }
        }
        if (syntaxes.isEmpty()) {
            throw HttpProblem.notAcceptable("instances are sent as multipart/related; type=\"application/dicom\""
                    + (instances == 1 ? " or application/dicom" : "") + ", which the Accept header does not accept"
                    + (refused.isEmpty() ? "" : " (it asks for " + String.join(", ", refused) + ")"));
        }
        return new InstanceNegotiation(List.copyOf(syntaxes), multipart);
    }

    /** The syntax an instance stored in {@code stored} is sent in; null when no accepted one can be made here. */
    String target(String stored) {
        TransferSyntax from = TransferSyntax.of(stored);
        for (String ts : syntaxes) {
            if (ts.equals(AS_STORED) || ts.equals(from.uid())) {
                return from.uid();
            }
            TransferSyntax to;
            try {
                to = TransferSyntax.of(ts);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (Transcoder.canConvert(from, to) || DecodedInstance.decodable(from, to)) {
                return to.uid();
            }
        }
        return null;
    }
}
