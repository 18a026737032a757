package org.gridpacs.dose.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;

/**
 * A/B comparison of engine builds on a shared, busy machine (not a test): each build's classes are loaded in their own
 * class loader in one JVM and the builds take turns (A B B A ...) running the same single-thread 6 MV case of
 * {@link DoseBench} (seed 5); it prints the worker CPU time per history of each run, a fingerprint of the dose (equal
 * fingerprints: bit-identical dose), and per build the median, the lower quartile and the median of the paired
 * ratios to the first build. Turns and CPU time (not wall time) cancel most of the load of other jobs.
 *
 * <p>Usage (after scripts/bench-dose has compiled the bench classes): {@code java -Xmx3g -cp
 * dose-service/target/bench-classes:dose-service/target/classes org.gridpacs.dose.bench.DoseAB water|heterogeneous
 * HISTORIES REPEATS CLASSES_DIR_A CLASSES_DIR_B ...}; a classes directory of an older commit can be built with
 * {@code git worktree add /tmp/old COMMIT && (cd /tmp/old && mvn -B -q -o -pl dose-service -DskipTests compile)}.
 */
public final class DoseAB {
    private static Phantom phantom;
    private static String phantomKind;

    /** Runs in the build's own class loader: {us CPU per history, cpu/wall, dose fingerprint}. */
    public static Object[] runOnce(String kind, long histories, long seed) {
        if (!kind.equals(phantomKind)) {
            phantom = new Phantom(184, 184, 90, 0.3, 0.3, 0.3, -184 * 0.3 / 2, 0, -90 * 0.3 / 2);
            phantom.fill(Media.WATER, 1f);
            if (kind.equals("heterogeneous")) {
                phantom.slabY(5, 15, Media.LUNG, 0.26f);
                phantom.slabY(20, 23, Media.BONE, 1.85f);
            }
            phantomKind = kind;
        }
        BeamSource src = new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0));
        MonteCarlo.Raw raw = MonteCarlo.run(phantom, src, DoseSettings.histories(histories, seed).withThreads(1),
                ProgressListener.NONE);
        long h = 0;
        for (int i = 0; i < phantom.voxels(); i++) {
            h = h * 31 + Double.doubleToLongBits(raw.energyPerHistory(i));
        }
        return new Object[] {1e6 * raw.cpuSeconds / raw.histories, raw.cpuSeconds / raw.seconds, h};
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        long n = Long.parseLong(args[1]);
        int reps = Integer.parseInt(args[2]);
        int k = args.length - 3;
        URL self = DoseAB.class.getProtectionDomain().getCodeSource().getLocation();
        Method[] run = new Method[k];
        for (int i = 0; i < k; i++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {self, Path.of(args[3 + i]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            run[i] = cl.loadClass(DoseAB.class.getName()).getMethod("runOnce", String.class, long.class, long.class);
            run[i].invoke(null, kind, 600_000L, 99L); // warm-up
        }
        List<List<Double>> cpu = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            cpu.add(new ArrayList<>());
        }
        for (int r = 0; r < reps; r++) {
            for (int j = 0; j < k; j++) {
                int i = r % 2 == 0 ? j : k - 1 - j;
                Object[] v = (Object[]) run[i].invoke(null, kind, n, 5L);
                cpu.get(i).add((Double) v[0]);
                System.out.printf("repeat %d %s: %.4f us CPU/history, cpu/wall %.2f, dose %016x%n", r, args[3 + i], v[0], v[1], v[2]);
            }
        }
        for (int i = 0; i < k; i++) {
            List<Double> l = new ArrayList<>(cpu.get(i));
            Collections.sort(l);
            System.out.printf("%s: median %.4f, lower quartile %.4f, min %.4f us CPU/history%n", args[3 + i], l.get(l.size() / 2),
                    l.get(l.size() / 4), l.get(0));
        }
        for (int i = 1; i < k; i++) {
            List<Double> q = new ArrayList<>();
            for (int r = 0; r < reps; r++) {
                q.add(cpu.get(i).get(r) / cpu.get(0).get(r));
            }
            Collections.sort(q);
            System.out.printf("%s / %s: median paired ratio %.4f (range %.4f-%.4f)%n", args[3 + i], args[3], q.get(q.size() / 2),
                    q.get(0), q.get(q.size() - 1));
        }
    }
}
