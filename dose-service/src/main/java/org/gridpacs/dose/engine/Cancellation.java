package org.gridpacs.dose.engine;

import java.util.concurrent.CancellationException;

/**
 * A flag the caller sets to stop a job. Executors check it before each batch (a batch is never cut short, so a
 * tally is always made of whole batches) and throw {@link CancellationException} instead of returning a partial
 * result.
 */
public final class Cancellation {
    private volatile boolean cancelled;

    /** A fresh token, not cancelled; one per job. */
    public Cancellation() {
    }

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** @throws CancellationException if cancelled */
    public void check() {
        if (cancelled) {
            throw new CancellationException("dose calculation cancelled");
        }
    }
}
