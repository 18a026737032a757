package org.gridpacs.dicom.net;

import java.io.IOException;

import org.gridpacs.dicom.data.UIDs;

/** The peer accepted no presentation context for this SOP class (and transfer syntax). */
public class NoPresentationContextException extends IOException {
    public NoPresentationContextException(String sopClassUID, String transferSyntaxUID) {
        super("no accepted presentation context for " + describe(sopClassUID)
                + (transferSyntaxUID != null ? " in " + describe(transferSyntaxUID) : ""));
    }

    private static String describe(String uid) {
        String name = UIDs.nameOf(uid);
        return name != null ? name + " (" + uid + ")" : uid;
    }
}
