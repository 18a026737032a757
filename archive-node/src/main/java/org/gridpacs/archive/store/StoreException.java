package org.gridpacs.archive.store;

/**
 * An instance could not be stored. The status is a DICOM failure code (PS3.4 B.2.3, PS3.7 C), which C-STORE
 * returns as its status and STOW-RS as the Failure Reason; the message says why in words.
 */
public class StoreException extends Exception {
    private final int status;

    public StoreException(int status, String message) {
        super(message);
        this.status = status;
    }

    public StoreException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
