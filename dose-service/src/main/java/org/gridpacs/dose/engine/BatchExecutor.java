package org.gridpacs.dose.engine;

import java.util.List;
import java.util.concurrent.CancellationException;

/**
 * Runs batches of a dose job somewhere (threads of this JVM, the nodes of a compute grid) and adds their scores to
 * the caller's {@link Tally}. Implementations may run the batches in any order, on any number of workers, and merge
 * partial tallies in any order: a batch's histories depend only on (job seed, batch index) and tallies merge exactly, so every
 * executor must return the same bytes for the same job and batches.
 *
 * <p>The stopping rule (how many rounds) stays with the caller ({@link MonteCarlo}); an executor only runs the batches
 * it is given.
 */
public interface BatchExecutor extends AutoCloseable {
    /**
     * Runs {@code batches} of {@code job} and adds their scores to {@code into} (which holds the earlier rounds:
     * one phantom-sized tally per job, not one per round).
     *
     * @param listener told after each batch (from any thread)
     * @param cancel   checked before each batch
     * @throws CancellationException if cancelled before all batches ran
     * @throws InterruptedException  if the calling thread was interrupted while waiting
     */
    void run(DoseJob job, List<Batch> batches, Tally into, BatchListener listener, Cancellation cancel)
            throws InterruptedException;

    /** Worker CPU time spent in batches so far, s (0 where not measured): tells a busy machine from a slow engine. */
    default double cpuSeconds() {
        return 0;
    }

    /** Releases the workers. */
    @Override
    void close();
}
