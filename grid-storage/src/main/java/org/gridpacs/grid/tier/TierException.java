package org.gridpacs.grid.tier;

import java.io.IOException;

/** A tier operation that could not be done (no local copy removed unless the message says so). */
public class TierException extends IOException {
    public TierException(String message) {
        super(message);
    }

    public TierException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The study is not in the index. */
    public static final class UnknownStudy extends TierException {
        public UnknownStudy(String study) {
            super("no study " + study + " in the index");
        }
    }
}
