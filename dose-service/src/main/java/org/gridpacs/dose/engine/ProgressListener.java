package org.gridpacs.dose.engine;

/**
 * Told of a run's progress: after each round of batches (from the coordinating thread, with the uncertainty
 * reached), and after each batch or each worker's share of a round (from the executor's threads, with the last
 * round's uncertainty): implementations must be thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * @param historiesDone    histories simulated so far
     * @param historiesPlanned the most that will be run
     * @param uncertainty      current mean relative uncertainty above 50% of max dose (fraction), NaN before 2 batches
     */
    void progress(long historiesDone, long historiesPlanned, double uncertainty);

    ProgressListener NONE = (d, p, u) -> { };
}
