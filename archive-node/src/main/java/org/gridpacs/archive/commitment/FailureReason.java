package org.gridpacs.archive.commitment;

/** Failure Reason (0008,1197) values of a Storage Commitment result (PS3.4 J.3.2.1.2 / C.14.1.1). */
public final class FailureReason {
    /** The instance is not (yet) held on as many nodes as the replication factor asks. */
    public static final int PROCESSING_FAILURE = 0x0110;
    /** No instance with this SOP Instance UID is archived. */
    public static final int NO_SUCH_OBJECT_INSTANCE = 0x0112;
    /** The archived instance has another SOP Class UID than the request names. */
    public static final int CLASS_INSTANCE_CONFLICT = 0x0119;
    /** The Transaction UID is in use by another, different request. */
    public static final int DUPLICATE_TRANSACTION_UID = 0x0131;

    private FailureReason() {
    }

    public static String describe(int reason) {
        return switch (reason) {
            case PROCESSING_FAILURE -> "processing failure (too few durable copies)";
            case NO_SUCH_OBJECT_INSTANCE -> "no such object instance";
            case CLASS_INSTANCE_CONFLICT -> "class-instance conflict";
            case DUPLICATE_TRANSACTION_UID -> "duplicate transaction UID";
            default -> String.format("failure reason 0x%04X", reason);
        };
    }
}
