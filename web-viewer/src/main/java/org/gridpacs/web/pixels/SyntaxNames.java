package org.gridpacs.web.pixels;

import org.gridpacs.dicom.data.UIDs;

/** A transfer syntax as an answer's reason names it: "JPEG Lossless, Non-Hierarchical (1.2.840.10008.1.2.4.57)". */
public final class SyntaxNames {
    private SyntaxNames() {
    }

    /** The name and UID; the UID alone when it is not a known one. */
    public static String of(String uid) {
        String n = UIDs.nameOf(uid);
        return n != null ? n + " (" + uid + ")" : uid;
    }
}
