package org.gridpacs.dose.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.physics.PhysicsTables;
import org.gridpacs.dose.physics.Rng;
import org.gridpacs.dose.source.Source;
import org.gridpacs.dose.transport.Majorants;
import org.gridpacs.dose.transport.Transport;
import org.gridpacs.dose.transport.Voxels;

/**
 * Runs batches of histories on a fixed pool of threads and sums them exactly: each batch's energy per voxel is
 * rounded to a fixed-point integer (1e-8 MeV) and added to 64-bit sums (and 128-bit sums of squares for the batch
 * method of uncertainty), so the result does not depend on which thread ran which batch or in which order.
 */
public final class MonteCarlo {
    /** Fixed-point unit of energy, MeV. */
    static final double QUANTUM = 1e-8;
    private static final double MEV_TO_J = 1.602176634e-13;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private MonteCarlo() {
    }

    /** What one run produced: per-voxel energy statistics plus the global energy bookkeeping. */
    public static final class Raw {
        public final Phantom phantom;
        final long[] sum;
        final long[] sqHi;
        final long[] sqLo;
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

        Raw(Phantom p) {
            phantom = p;
            int n = p.voxels();
            sum = new long[n];
            sqHi = new long[n];
            sqLo = new long[n];
        }

        /** Mean energy deposited in voxel i per history, MeV. */
        public double energyPerHistory(int i) {
            return sum[i] * QUANTUM / histories;
        }

        /** Dose per history in voxel i, Gy. */
        public double dosePerHistory(int i) {
            double mass = phantom.density[i] * phantom.voxelVolume() * 1e-3;
            return mass > 0 ? energyPerHistory(i) * MEV_TO_J / mass : 0;
        }

        /** Relative standard uncertainty of voxel i by the batch method (fraction); 1 where nothing was scored. */
        public double relativeUncertainty(int i) {
            long s = sum[i];
            if (s <= 0 || batches < 2) {
                return 1;
            }
            double sq = sqHi[i] * 0x1.0p64 + unsigned(sqLo[i]);
            double n = batches;
            double mean = s / n;
            double var = (sq / n - mean * mean) * n / (n - 1);
            return var <= 0 ? 0 : Math.sqrt(var / n) / mean;
        }

        /** Mean relative uncertainty over the voxels whose dose is above half the maximum. */
        public double meanUncertaintyAboveHalfMax() {
            double max = 0;
            int n = sum.length;
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

        private static double unsigned(long v) {
            double d = (double) (v >>> 1) * 2.0;
            return d + (v & 1);
        }
    }

    private static final class Worker {
        final Transport transport;
        final double[] edep;

        Worker(Transport t, int n) {
            transport = t;
            edep = new double[n];
        }
    }

    public static Raw run(Phantom phantom, Source source, DoseSettings s, ProgressListener listener) {
        PhysicsTables tables = Media.tables(s.photonCut(), s.wcc());
        Raw raw = new Raw(phantom);
        long start = System.nanoTime();
        int threads = s.threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dose-worker");
            t.setDaemon(true);
            return t;
        });
        Voxels voxels = new Voxels(phantom, tables.count); // once per run, shared read-only by the workers
        // the same; -Ddose.majorants=global: one global Woodcock majorant, as before the regions (for comparisons)
        Majorants majorants = "global".equals(System.getProperty("dose.majorants"))
                ? Majorants.global(tables, phantom, voxels) : Majorants.build(tables, phantom, voxels);
        ThreadLocal<Worker> workers = ThreadLocal.withInitial(() -> new Worker(
                new Transport(tables, phantom, voxels, majorants, s.photonCut(), s.electronCut(), s.stepFraction(), source.maxEnergy()),
                phantom.voxels()));
        long[] energyQ = new long[4]; // entering, escaped, deposited in QUANTUM units; worker CPU ns
        try {
            boolean fixed = s.targetUncertainty() == 0;
            long total = s.histories();
            int fixedBatches = (int) Math.max(DoseSettings.BATCHES_PER_ROUND, (total + s.batchHistories() - 1) / s.batchHistories());
            long done = 0;
            int batch = 0;
            while (true) {
                List<Future<?>> round = new ArrayList<>();
                for (int k = 0; k < DoseSettings.BATCHES_PER_ROUND; k++) {
                    long size;
                    if (fixed) {
                        if (batch >= fixedBatches) {
                            break;
                        }
                        size = total / fixedBatches + (batch < total % fixedBatches ? 1 : 0);
                    } else {
                        if (done >= total) {
                            break;
                        }
                        size = Math.min(s.batchHistories(), total - done);
                    }
                    final int b = batch++;
                    final long n = size;
                    done += size;
                    round.add(pool.submit(() -> runBatch(workers.get(), source, s.seed(), b, n, raw, energyQ)));
                }
                if (round.isEmpty()) {
                    break;
                }
                for (Future<?> f : round) {
                    f.get();
                }
                raw.batches = batch;
                raw.histories = done;
                raw.uncertainty = batch >= 2 ? raw.meanUncertaintyAboveHalfMax() : Double.NaN;
                listener.progress(done, total, raw.uncertainty);
                if (!fixed && raw.uncertainty <= s.targetUncertainty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("dose calculation interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("dose calculation failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        raw.entering = energyQ[0] * QUANTUM;
        raw.escaped = energyQ[1] * QUANTUM;
        raw.deposited = energyQ[2] * QUANTUM;
        raw.cpuSeconds = energyQ[3] / 1e9;
        raw.seconds = (System.nanoTime() - start) / 1e9;
        return raw;
    }

    private static void runBatch(Worker wk, Source source, long seed, int batch, long n, Raw raw, long[] energyQ) {
        long cpu0 = CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() : 0;
        Transport tr = wk.transport;
        double[] edep = wk.edep;
        tr.startBatch(new Rng(seed, batch), edep);
        double entering = 0;
        for (long h = 0; h < n; h++) {
            entering += tr.history(source);
        }
        tr.endBatch();
        double escaped = tr.escaped;
        synchronized (raw) {
            long dep = 0;
            long[] sum = raw.sum;
            long[] hi = raw.sqHi;
            long[] lo = raw.sqLo;
            for (int i = 0; i < edep.length; i++) {
                double e = edep[i];
                if (e != 0) {
                    long q = Math.round(e / QUANTUM);
                    edep[i] = 0;
                    sum[i] += q;
                    dep += q;
                    long l = q * q;
                    long h = Math.multiplyHigh(q, q);
                    long nl = lo[i] + l;
                    if (Long.compareUnsigned(nl, l) < 0) {
                        h++;
                    }
                    lo[i] = nl;
                    hi[i] += h;
                }
            }
            energyQ[0] += Math.round(entering / QUANTUM);
            energyQ[1] += Math.round(escaped / QUANTUM);
            energyQ[2] += dep;
            energyQ[3] += CPU.isCurrentThreadCpuTimeSupported() ? CPU.getCurrentThreadCpuTime() - cpu0 : 0;
        }
    }
}
