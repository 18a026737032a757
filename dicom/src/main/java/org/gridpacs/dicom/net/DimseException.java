package org.gridpacs.dicom.net;

import org.gridpacs.dicom.net.dimse.Status;

/**
 * A service handler's way of failing one DIMSE request: the association stays up and the requester gets
 * this status, with the message as Error Comment (0000,0902).
 */
public class DimseException extends Exception {
    private final int status;

    public DimseException(int status, String message) {
        super(message);
        this.status = status;
    }

    public DimseException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    @Override
    public String toString() {
        return Status.describe(status) + ": " + getMessage();
    }
}
