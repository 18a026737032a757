package org.gridpacs.dicom.net.pdu;

import java.io.IOException;

/**
 * A received PDU violates PS3.8. Carries the A-ABORT reason (PS3.8 Table 9-26) the association layer
 * should send before closing the connection.
 */
public class PduException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int abortReason;

    public PduException(int abortReason, String message) {
        super(message);
        this.abortReason = abortReason;
    }

    /** One of the {@code AAbort.REASON_*} codes. */
    public int abortReason() {
        return abortReason;
    }

    /** The A-ABORT (source: service-provider) that reports this error to the peer. */
    public AAbort toAbort() {
        return new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, abortReason);
    }
}
