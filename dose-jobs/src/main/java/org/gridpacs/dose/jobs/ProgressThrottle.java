package org.gridpacs.dose.jobs;

import java.sql.SQLException;

import org.gridpacs.dose.engine.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's progress -> the job's row, at most once per interval (the engine reports every round): histories
 * done, the uncertainty reached, the histories the target will take (estimated from uncertainty ~ 1/sqrt(N)) and
 * the time left at the rate so far.
 */
final class ProgressThrottle implements ProgressListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressThrottle.class);
    private final JobStore store;
    private final String id;
    private final double target;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long last = Long.MIN_VALUE;
    private long[] pending;
    private double pendingUncertainty;
    /** The uncertainty last heard and the histories it was reached with (the engine repeats it between rounds). */
    private double measured = Double.NaN;
    private long measuredAt;

    /** @param target target uncertainty, fraction; 0 for a fixed number of histories */
    ProgressThrottle(JobStore store, String id, double target, long intervalMillis) {
        this.store = store;
        this.id = id;
        this.target = target;
        this.intervalNanos = intervalMillis * 1_000_000;
    }

    @Override
    public synchronized void progress(long done, long planned, double uncertainty) {
        long now = System.nanoTime();
        pending = new long[] {done, planned};
        pendingUncertainty = uncertainty;
        if (Double.compare(uncertainty, measured) != 0) {
            measured = uncertainty;
            measuredAt = done;
        }
        if (last == Long.MIN_VALUE || now - last >= intervalNanos) {
            last = now;
            write(now);
        }
    }

    /** Writes the last progress heard if the interval held it back (the end of the run). */
    synchronized void flush() {
        if (pending != null) {
            write(System.nanoTime());
        }
    }

    private void write(long now) {
        long done = pending[0];
        long planned = pending[1];
        double uncertainty = pendingUncertainty;
        pending = null;
        long expected = planned;
        if (target > 0 && uncertainty > 0 && Double.isFinite(uncertainty)) {
            // uncertainty ~ 1/sqrt(N), from the histories the uncertainty was reached with (not those done since)
            double needed = Math.max(1, measuredAt) * (uncertainty / target) * (uncertainty / target);
            expected = (long) Math.max(done, Math.min(planned, needed));
        }
        double secs = (now - start) / 1e9;
        Double eta = done > 0 && secs > 0 ? (expected - done) / (done / secs) : null;
        try {
            store.progress(id, done, expected, Double.isFinite(uncertainty) ? 100 * uncertainty : null, eta);
        } catch (SQLException e) {
            LOG.warn("Could not record the progress of dose job {}: {}", id, e.toString());
        }
    }
}
