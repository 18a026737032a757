package org.gridpacs.federation.deid;

/** An instance that the settings do not allow to leave the site de-identified (burned-in annotation). */
public final class DeidentificationRefusedException extends Exception {
    private final String sopInstanceUID;

    public DeidentificationRefusedException(String sopInstanceUID, String message) {
        super(message);
        this.sopInstanceUID = sopInstanceUID;
    }

    /** The original SOP Instance UID of the refused instance (for the sender's log, not for the destination). */
    public String sopInstanceUID() {
        return sopInstanceUID;
    }
}
