package org.gridpacs.dicom.net.pdu;

/** A-RELEASE-RQ (PS3.8 9.3.6): no parameters, so one shared instance. */
public final class AReleaseRQ implements Pdu {
    public static final AReleaseRQ INSTANCE = new AReleaseRQ();

    private AReleaseRQ() {
    }

    @Override
    public int type() {
        return A_RELEASE_RQ;
    }

    @Override
    public String toString() {
        return "A-RELEASE-RQ";
    }
}
