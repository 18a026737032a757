package org.gridpacs.dose.engine;

/** Called from the engine's coordinating thread after each round of batches. */
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
