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

    /** A raw run (no calibration) on a pool of {@code s.threads()} threads of this JVM. */
    public static Raw run(Phantom phantom, Source source, DoseSettings s, ProgressListener listener) {
        try (LocalPoolExecutor pool = new LocalPoolExecutor(s.threads())) {
            return run(DoseJob.raw(phantom, source, s), pool, listener, new Cancellation());
        }
    }

    /**
     * Runs the job's batches on {@code executor}, round by round, until the planned histories are done or the target
     * uncertainty is reached.
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
        try {
            for (List<Batch> round = plan.nextRound(); !round.isEmpty(); round = plan.nextRound()) {
                executor.run(job, round, total, BatchListener.NONE, cancel);
                raw = new Raw(job.phantom(), total);
                raw.uncertainty = raw.batches >= 2 ? raw.meanUncertaintyAboveHalfMax() : Double.NaN;
                listener.progress(raw.histories, s.histories(), raw.uncertainty);
                if (!plan.fixed() && raw.uncertainty <= s.targetUncertainty()) {
                    break;
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
