package org.gridpacs.dicom.net.pdu;

/**
 * A-ABORT (PS3.8 9.3.8). Values outside the defined codes are kept as received (any byte is accepted)
 * because an abort is the end of the association anyway; {@link #describe()} names them "reserved".
 *
 * @param source 0 service-user, 2 service-provider (1 is reserved)
 * @param reason significant only when the source is the service-provider: 0..6 ({@code REASON_*})
 */
public record AAbort(int source, int reason) implements Pdu {
    public static final int SOURCE_SERVICE_USER = 0;
    public static final int SOURCE_SERVICE_PROVIDER = 2;

    public static final int REASON_NOT_SPECIFIED = 0;
    public static final int REASON_UNRECOGNIZED_PDU = 1;
    public static final int REASON_UNEXPECTED_PDU = 2;
    public static final int REASON_UNRECOGNIZED_PDU_PARAMETER = 4;
    public static final int REASON_UNEXPECTED_PDU_PARAMETER = 5;
    public static final int REASON_INVALID_PDU_PARAMETER_VALUE = 6;

    public AAbort {
        AAssociateRJ.checkByte("source", source);
        AAssociateRJ.checkByte("reason", reason);
    }

    /** An abort requested by the local DICOM UL service-user (reason is not significant, sent as 0). */
    public static AAbort byServiceUser() {
        return new AAbort(SOURCE_SERVICE_USER, 0);
    }

    @Override
    public int type() {
        return A_ABORT;
    }

    /** Human-readable source and reason per PS3.8 Table 9-26. */
    public String describe() {
        return switch (source) {
            case SOURCE_SERVICE_USER -> "aborted by DICOM UL service-user";
            case SOURCE_SERVICE_PROVIDER -> "aborted by DICOM UL service-provider: " + reasonText(reason);
            default -> "aborted by reserved source " + source + " (reason " + reason + ")";
        };
    }

    /** Text of a service-provider abort reason. */
    public static String reasonText(int reason) {
        return switch (reason) {
            case REASON_NOT_SPECIFIED -> "reason not specified";
            case REASON_UNRECOGNIZED_PDU -> "unrecognized PDU";
            case REASON_UNEXPECTED_PDU -> "unexpected PDU";
            case REASON_UNRECOGNIZED_PDU_PARAMETER -> "unrecognized PDU parameter";
            case REASON_UNEXPECTED_PDU_PARAMETER -> "unexpected PDU parameter";
            case REASON_INVALID_PDU_PARAMETER_VALUE -> "invalid PDU parameter value";
            default -> "reserved reason " + reason;
        };
    }

    @Override
    public String toString() {
        return "A-ABORT[source=" + source + ", reason=" + reason + "]: " + describe();
    }
}
