package org.gridpacs.federation.audit;

/** EventOutcomeIndicator (PS3.15 A.5.1, from RFC 3881 5.1.4). */
public enum Outcome {
    SUCCESS(0), MINOR_FAILURE(4), SERIOUS_FAILURE(8), MAJOR_FAILURE(12);

    private final int code;

    Outcome(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Outcome ofCode(int code) {
        for (Outcome o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        throw new IllegalArgumentException("EventOutcomeIndicator must be 0, 4, 8 or 12, not " + code);
    }
}
