package org.gridpacs.dose.grid;

import java.io.Serializable;

/**
 * What a worker sends back for its share of a round: the tally of all its batches ({@code Tally.toCompactBytes()}:
 * whole batches only, since a share that failed half-way sends nothing) and the CPU time they took; or, when the
 * worker did not have the job, a request for it.
 */
final class ShareResult implements Serializable {
    private static final long serialVersionUID = 1L;
    final byte[] tally;
    final long cpuNanos;
    final boolean jobMissing;

    private ShareResult(byte[] tally, long cpuNanos, boolean jobMissing) {
        this.tally = tally;
        this.cpuNanos = cpuNanos;
        this.jobMissing = jobMissing;
    }

    static ShareResult of(byte[] tally, long cpuNanos) {
        return new ShareResult(tally, cpuNanos, false);
    }

    static ShareResult jobMissing() {
        return new ShareResult(null, 0, true);
    }
}
