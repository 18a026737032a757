package org.gridpacs.archive.commitment;

import java.io.IOException;

/** Delivers a result to its requester as an N-EVENT-REPORT and waits for the N-EVENT-REPORT-RSP. */
public interface CommitmentReporter {
    /**
     * Returns once the requester confirmed the report with a success status; throws when it could not be reached
     * or refused it ({@link NoAddressException} when we do not know where it listens).
     */
    void report(CommitmentRequest request, CommitmentResult result) throws IOException;

    /** The requester's AE title has no {@code ae.<AE> = host:port} line: the request waits for one. */
    final class NoAddressException extends IOException {
        public NoAddressException(String message) {
            super(message);
        }
    }
}
