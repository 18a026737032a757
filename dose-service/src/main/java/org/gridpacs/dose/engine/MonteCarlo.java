package org.gridpacs.dose.engine;

import java.util.List;
import java.util.concurrent.CancellationException;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.source.Source;

/**
 * The coordinator of a run: plans rounds of batches ({@link BatchPlan}), has a {@link BatchExecutor} run each round,
 * merges the rounds' exact tallies, reports progress and applies the stopping rule. Where the batches run does not
 * change the result: see {@link Tally}.
 */
public final class MonteCarlo {
    /** Fixed-point unit of energy, MeV. */
    private static final double MEV_TO_J = 1.602176634e-13;

    private MonteCarlo() {
    }

    /** What one run produced: the exact tally plus run statistics, and per-voxel dose and uncertainty from them. */
    public static final class Raw {
        public final Phantom phantom;
        public final Tally tally;
        public int batches;
        public long histories;
        public double seconds;
        /**
         * CPU time the worker threads spent in batches (sum over threads), s: with {@link #seconds} it tells waiting
         * or a busy machine (cpu/wall below the thread count) from contention inside the engine (more CPU time per
         * history with more threads).
         */
        public double cpuSeconds;
        /** Totals over all histories, MeV. */
        public double entering;
        public double escaped;
        public double deposited;
        public double uncertainty = Double.NaN;

        Raw(Phantom p, Tally t) {
            phantom = p;
            tally = t;
            batches = (int) t.batches();
            histories = t.histories();
            entering = t.enteringMeV();
            escaped = t.escapedMeV();
            deposited = t.depositedMeV();
        }

        /** Mean energy deposited in voxel i per history, MeV. */
        public double energyPerHistory(int i) {
            return tally.sum[i] * Tally.QUANTUM / histories;
        }

        /** Dose per history in voxel i, Gy. */
        public double dosePerHistory(int i) {
            double mass = phantom.density[i] * phantom.voxelVolume() * 1e-3;
            return mass > 0 ? energyPerHistory(i) * MEV_TO_J / mass : 0;
        }

        /** Relative standard uncertainty of voxel i by the batch method (fraction); 1 where nothing was scored. */
        public double relativeUncertainty(int i) {
            long s = tally.sum[i];
            if (s <= 0 || batches < 2) {
                return 1;
            }
            double sq = tally.sumOfSquares(i);
            double n = batches;
            double mean = s / n;
            double var = (sq / n - mean * mean) * n / (n - 1);
            return var <= 0 ? 0 : Math.sqrt(var / n) / mean;
        }

        /** Mean relative uncertainty over the voxels whose dose is above half the maximum. */
        public double meanUncertaintyAboveHalfMax() {
            double max = 0;
            int n = tally.voxels();
            for (int i = 0; i < n; i++) {
                max = Math.max(max, dosePerHistory(i));
            }
            if (max <= 0) {
                return Double.NaN;
            }
            double acc = 0;
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (dosePerHistory(i) > 0.5 * max) {
                    acc += relativeUncertainty(i);
                    count++;
                }
            }
            return acc / count;
        }
    }

    /** Histories of the next round to a target: 90% of those still needed by 1/sqrt(N), at most 3 x those done. */
    static long nextRoundHistories(long done, double uncertainty, double target) {
        if (!(uncertainty > 0) || !Double.isFinite(uncertainty)) {
            return 0; // nothing scored yet: one more standard round
        }
        double needed = done * (uncertainty / target) * (uncertainty / target) - done;
        return (long) Math.min(AIM * needed, MAX_ROUND_GROWTH * done);
    }

    /** A raw run (no calibration) on a pool of {@code s.threads()} threads of this JVM. */
    public static Raw run(Phantom phantom, Source source, DoseSettings s, ProgressListener listener) {
        try (LocalPoolExecutor pool = new LocalPoolExecutor(s.threads())) {
            return run(DoseJob.raw(phantom, source, s), pool, listener, new Cancellation());
        }
    }

    /**
     * Largest growth of a round over the histories already done: the uncertainty estimate of the first rounds is
     * noisy, so the rounds grow geometrically towards the target rather than jumping at it.
     */
    static final double MAX_ROUND_GROWTH = 3;
    /** Fraction of the histories the estimate says are still needed that the next round runs (never overshoot much). */
    static final double AIM = 0.9;

    /**
     * Runs the job's batches on {@code executor}, round by round, until the planned histories are done or the target
     * uncertainty is reached.
     *
     * <p>Rounds to a target uncertainty: a first round of {@link DoseSettings#BATCHES_PER_ROUND} batches, then rounds
     * sized from uncertainty ~ 1/sqrt(N) to 90% of the histories still needed (at most 3 times those done, at least
     * one standard round), so that a job takes a handful of rounds: each round costs a merge of the workers'
     * tallies and an evaluation of the stopping rule, and on a grid a round trip. The sizes follow from the exact
     * tally alone (never from time), so every executor runs the same batches and the dose is the same bytes.
     *
     * @throws CancellationException if {@code cancel} was set
     */
    public static Raw run(DoseJob job, BatchExecutor executor, ProgressListener listener, Cancellation cancel) {
        long start = System.nanoTime();
        double cpu0 = executor.cpuSeconds();
        DoseSettings s = job.settings();
        BatchPlan plan = new BatchPlan(s);
        Tally total = new Tally(job.phantom().voxels());
        Raw raw = null;
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        double[] lastUncertainty = {Double.NaN};
        // progress within a round too (from the executor's threads): long rounds still move the bar
        BatchListener batches = b -> listener.progress(done.addAndGet(b.histories()), s.histories(), lastUncertainty[0]);
        long next = 0;
        try {
            for (List<Batch> round = plan.nextRound(next); !round.isEmpty(); round = plan.nextRound(next)) {
                executor.run(job, round, total, batches, cancel);
                raw = new Raw(job.phantom(), total);
                raw.uncertainty = raw.batches >= 2 ? raw.meanUncertaintyAboveHalfMax() : Double.NaN;
                lastUncertainty[0] = raw.uncertainty;
                done.set(raw.histories);
                listener.progress(raw.histories, s.histories(), raw.uncertainty);
                if (!plan.fixed()) {
                    if (raw.uncertainty <= s.targetUncertainty()) {
                        break;
                    }
                    next = nextRoundHistories(raw.histories, raw.uncertainty, s.targetUncertainty());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("dose calculation interrupted", e);
        }
        raw.seconds = (System.nanoTime() - start) / 1e9;
        raw.cpuSeconds = executor.cpuSeconds() - cpu0;
        return raw;
    }
}
