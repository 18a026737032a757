package org.gridpacs.dicom.net.pdu;

/**
 * A-ASSOCIATE-RJ (PS3.8 9.3.4). Any byte values are accepted so that a peer's reject with a reserved
 * code can still be decoded and logged; {@link #describe()} names unknown codes "reserved".
 *
 * @param result 1 rejected-permanent, 2 rejected-transient
 * @param source 1 service-user, 2 service-provider (ACSE), 3 service-provider (presentation)
 * @param reason reason/diagnostic, meaning depends on the source (PS3.8 Table 9-21)
 */
public record AAssociateRJ(int result, int source, int reason) implements Pdu {
    public static final int RESULT_REJECTED_PERMANENT = 1;
    public static final int RESULT_REJECTED_TRANSIENT = 2;

    public static final int SOURCE_SERVICE_USER = 1;
    public static final int SOURCE_SERVICE_PROVIDER_ACSE = 2;
    public static final int SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;

    /** Reasons for source 1 (service-user). */
    public static final int REASON_NO_REASON_GIVEN = 1;
    public static final int REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2;
    public static final int REASON_CALLING_AE_TITLE_NOT_RECOGNIZED = 3;
    public static final int REASON_CALLED_AE_TITLE_NOT_RECOGNIZED = 7;
    /** Reasons for source 2 (service-provider, ACSE); 1 is "no reason given" as for source 1. */
    public static final int REASON_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Reasons for source 3 (service-provider, presentation). */
    public static final int REASON_TEMPORARY_CONGESTION = 1;
    public static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

    public AAssociateRJ {
        checkByte("result", result);
        checkByte("source", source);
        checkByte("reason", reason);
    }

    @Override
    public int type() {
        return A_ASSOCIATE_RJ;
    }

    /** Human-readable result, source and reason per PS3.8 Table 9-21. */
    public String describe() {
        String res = switch (result) {
            case RESULT_REJECTED_PERMANENT -> "rejected (permanent)";
            case RESULT_REJECTED_TRANSIENT -> "rejected (transient)";
            default -> "rejected (reserved result " + result + ")";
        };
        String src = switch (source) {
            case SOURCE_SERVICE_USER -> "DICOM UL service-user";
            case SOURCE_SERVICE_PROVIDER_ACSE -> "DICOM UL service-provider (ACSE related function)";
            case SOURCE_SERVICE_PROVIDER_PRESENTATION -> "DICOM UL service-provider (presentation related function)";
            default -> "reserved source " + source;
        };
        return res + " by " + src + ": " + reasonText();
    }

    private String reasonText() {
        String text = switch (source) {
            case SOURCE_SERVICE_USER -> switch (reason) {
                case REASON_NO_REASON_GIVEN -> "no reason given";
                case REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED -> "application context name not supported";
                case REASON_CALLING_AE_TITLE_NOT_RECOGNIZED -> "calling AE title not recognized";
                case REASON_CALLED_AE_TITLE_NOT_RECOGNIZED -> "called AE title not recognized";
                default -> null;
            };
            case SOURCE_SERVICE_PROVIDER_ACSE -> switch (reason) {
                case REASON_NO_REASON_GIVEN -> "no reason given";
                case REASON_PROTOCOL_VERSION_NOT_SUPPORTED -> "protocol version not supported";
                default -> null;
            };
            case SOURCE_SERVICE_PROVIDER_PRESENTATION -> switch (reason) {
                case REASON_TEMPORARY_CONGESTION -> "temporary congestion";
                case REASON_LOCAL_LIMIT_EXCEEDED -> "local limit exceeded";
                default -> null;
            };
            default -> null;
        };
        return text != null ? text : "reserved reason " + reason;
    }

    @Override
    public String toString() {
        return "A-ASSOCIATE-RJ[result=" + result + ", source=" + source + ", reason=" + reason + "]: " + describe();
    }

    static void checkByte(String name, int value) {
        if (value < 0 || value > 0xFF) {
            throw new IllegalArgumentException(name + " must fit in one byte: " + value);
        }
    }
}
