package org.gridpacs.dicom.net.pdu;

/** A-RELEASE-RP (PS3.8 9.3.7): no parameters, so one shared instance. */
public final class AReleaseRP implements Pdu {
    public static final AReleaseRP INSTANCE = new AReleaseRP();

    private AReleaseRP() {
    }

    @Override
    public int type() {
        return A_RELEASE_RP;
    }

    @Override
    public String toString() {
        return "A-RELEASE-RP";
    }
}
