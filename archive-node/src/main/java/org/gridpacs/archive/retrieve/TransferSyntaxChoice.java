package org.gridpacs.archive.retrieve;

import java.util.List;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.io.Transcoder;

/** Which of the syntaxes a destination accepts an instance is sent in. */
final class TransferSyntaxChoice {

    private TransferSyntaxChoice() {
    }

    /**
     * The stored syntax when accepted; else Explicit, then Implicit VR Little Endian when accepted and we can
     * convert to them (not, say, deflate: it costs CPU at both ends for nothing); else any accepted syntax we can
     * convert to; null when none.
     */
    static String choose(TransferSyntax from, List<String> accepted) {
        if (accepted.contains(from.uid())) {
            return from.uid();
        }
        for (String ts : List.of(UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)) {
            if (accepted.contains(ts) && Transcoder.canConvert(from, TransferSyntax.of(ts))) {
                return ts;
            }
        }
        for (String ts : accepted) {
            if (isKnown(ts) && Transcoder.canConvert(from, TransferSyntax.of(ts))) {
                return ts;
            }
        }
        return null;
    }

    private static boolean isKnown(String uid) {
        try {
            TransferSyntax.of(uid);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
