package org.gridpacs.dose.bench;

import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;

/**
 * Benchmark (not a test): 6 MV 10 x 10 at SSD 100 on a 184 x 184 x 90 phantom of 3 mm voxels, water and a
 * heterogeneous version (lung 5-15 cm, bone 20-23 cm along the beam). Histories/s on one thread and on all cores,
 * and the time to reach the requested uncertainties. Run through scripts/bench-dose.
 */
public final class DoseBench {
    /** -DdeltaCut=MeV (0 = the electron cut-off, the default; "inf" = no delta rays). */
    private static final double DELTA_CUT = Double.parseDouble(System.getProperty("deltaCut", "0").replace("inf", "Infinity"));

    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Args: [fixed histories (default 4e6)] [targets, e.g. 0.02,0.01, or -] [phantoms: water,heterogeneous] [repeats]. */
    public static void main(String[] args) {
        long fixed = args.length > 0 ? Long.parseLong(args[0]) : 4_000_000;
        String targets = args.length > 1 ? args[1] : "0.02";
        String kinds = args.length > 2 ? args[2] : "water,heterogeneous";
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int cores = Runtime.getRuntime().availableProcessors();
        BeamSource src = new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0));
        for (String kind : kinds.split(",")) {
            Phantom p = new Phantom(184, 184, 90, 0.3, 0.3, 0.3, -184 * 0.3 / 2, 0, -90 * 0.3 / 2);
            p.fill(Media.WATER, 1f);
            if (kind.equals("heterogeneous")) {
                p.slabY(5, 15, Media.LUNG, 0.26f);
                p.slabY(20, 23, Media.BONE, 1.85f);
            }
            // warm-up
            MonteCarlo.run(p, src, DoseSettings.histories(1_000_000, 99).withThreads(cores), ProgressListener.NONE);
            for (int rep = 0; rep < repeats; rep++) {
                // back to back: 1 thread, then all cores; CPU time per history separates a busy machine (cpu/wall
                // below the thread count) from contention inside the engine (more CPU per history on more threads)
                String load0 = loadAverage();
                MonteCarlo.Raw one = MonteCarlo.run(p, src, DoseSettings.histories(fixed / 2, 1).withThreads(1).withDeltaCut(DELTA_CUT), ProgressListener.NONE);
                MonteCarlo.Raw all = MonteCarlo.run(p, src, DoseSettings.histories(fixed, 2).withThreads(cores).withDeltaCut(DELTA_CUT), ProgressListener.NONE);
                System.out.printf("%s: 1 thread %.0f histories/s (%.2f us CPU/history, cpu/wall %.2f); %d threads %.0f histories/s"
                                + " (%.0f per core; %.2f us CPU/history, cpu/wall %.2f); loadavg %s -> %s%n", kind,
                        one.histories / one.seconds, 1e6 * one.cpuSeconds / one.histories, one.cpuSeconds / one.seconds,
                        cores, all.histories / all.seconds, all.histories / all.seconds / cores,
                        1e6 * all.cpuSeconds / all.histories, all.cpuSeconds / all.seconds, load0, loadAverage());
            }
            for (String t : targets.equals("-") ? new String[0] : targets.split(",")) {
                double target = Double.parseDouble(t);
                MonteCarlo.Raw r = MonteCarlo.run(p, src, DoseSettings.histories(4_000_000_000L, 3).withThreads(cores)
                        .withTarget(target, 500_000), ProgressListener.NONE);
                System.out.printf("%s: %.1f%% reached (%.2f%%) after %d histories in %.1f s (%d threads)%n", kind,
                        100 * target, 100 * r.uncertainty, r.histories, r.seconds, cores);
            }
            Runtime rt = Runtime.getRuntime();
            System.out.printf("heap used %.0f MB of max %.0f MB%n", (rt.totalMemory() - rt.freeMemory()) / 1e6, rt.maxMemory() / 1e6);
        }
    }
}
