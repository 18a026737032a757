package org.gridpacs.archive.index;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * What one store costs the H2 index (not a test: no timed assertions): inserts instances one transaction each, as
 * the store service does, and prints per block of inserts the elapsed time per insert, the CPU time per insert of
 * the whole process (inserting threads, H2's background writer, GC) and the size of the database file. Compares
 * H2 settings: by default {@link IndexDatabase#H2_SETTINGS} (WRITE_DELAY=0, every commit written to the file
 * before it returns) against H2's own default write delay (commits left to its background writer; not safe
 * for the node: see H2_SETTINGS). Series of 300 instances, 1 patient per 4 studies, random 2.25 UIDs like those
 * of real senders; {@code -Dthreads=N} inserts from N threads at once (each its own series), as N associations
 * would.
 *
 * <pre>
 * mvn -q -o -pl archive-node -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp "archive-node/target/test-classes:archive-node/target/classes:$(cat archive-node/target/test-classpath.txt)" \
 *     org.gridpacs.archive.index.InsertCostBench 6000
 * </pre>
 * Arguments: instances per setting (default 6000), then optionally H2 URL suffixes to compare (default
 * {@code ";WRITE_DELAY=0;LOCK_TIMEOUT=10000"} and {@code ";LOCK_TIMEOUT=10000"}); a setting can be given more
 * than once (the first run of a JVM includes its JIT compilation).
 */
public final class InsertCostBench {
    private static final int BLOCK = 600;

    private InsertCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
        int threads = Integer.getInteger("threads", 1);
        List<String> settings = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of(IndexDatabase.H2_SETTINGS, ";LOCK_TIMEOUT=10000");
        for (String setting : settings) {
            run(setting, count, threads);
        }
    }

    private static void run(String setting, int count, int threads) throws Exception {
        Path dir = Files.createTempDirectory("insert-cost");
        System.out.println("H2 settings \"" + setting + "\", " + threads + " thread(s):");
        long totalCpu = 0;
        long totalWall = 0;
        try (IndexDatabase db = IndexDatabase.open("jdbc:h2:file:" + dir.resolve("index") + setting, "sa", "",
                threads + 2)) {
            for (int from = 0; from < count; from += BLOCK) {
                long cpu0 = processCpuNanos();
                long wall0 = System.nanoTime();
                int n = Math.min(BLOCK, count - from);
                int first = from;
                List<Thread> workers = new ArrayList<>();
                List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    Thread w = new Thread(() -> {
                        try {
                            insert(db, first, n, me, threads);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    });
                    workers.add(w);
                    w.start();
                }
                for (Thread w : workers) {
                    w.join();
                }
                if (!failures.isEmpty()) {
                    throw new IllegalStateException(failures.get(0));
                }
                long cpu = processCpuNanos() - cpu0;
                long wall = System.nanoTime() - wall0;
                totalCpu += cpu;
                totalWall += wall;
                System.out.printf("  %6d inserts: %.3f ms/insert elapsed, %.3f ms/insert CPU; file %,d KB%n", from + n,
                        wall / 1e6 / n, cpu / 1e6 / n, Files.size(dir.resolve("index.mv.db")) / 1024);
            }
        }
        System.out.printf("  all: %.3f ms/insert elapsed, %.3f ms/insert CPU; file after close %,d KB (%.1f KB/instance)%n",
                totalWall / 1e6 / count, totalCpu / 1e6 / count, Files.size(dir.resolve("index.mv.db")) / 1024,
                Files.size(dir.resolve("index.mv.db")) / 1024.0 / count);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** Thread {@code me} of {@code threads} inserts its share of instances {@code from} to {@code from + n - 1}. */
    private static void insert(IndexDatabase db, int from, int n, int me, int threads) throws Exception {
        SqlInstanceIndex index = new SqlInstanceIndex(db);
        Random random = new Random(from * 31L + me);
        TestInstances.Study study = null;
        for (int i = from + me; i < from + n; i += threads) {
            if (study == null || i % 300 < threads) {
                int s = i / 300 * threads + me;
                study = new TestInstances.Study("P" + s / 4, "Patient^" + s / 4, "19700101", uid(random),
                        "20261121", "101010", "A" + s, "CT chest", List.of("CT"), 300);
            }
            DataSet ds = study.instance(0, i % 300);
            ds.setString(Tag.SOPInstanceUID, VR.UI, uid(random));
            byte[] key = new byte[16];
            random.nextBytes(key);
            InstanceHeader header = TestInstances.header(ds);
            StoredObject object = new StoredObject("fs1", "2026/11/21/10/" + HexFormat.of().formatHex(key) + ".dcm",
                    525_000, "crc32c:0badcafe");
            index.insert(header, object, "BENCH");
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String uid(Random random) {
        return "2.25." + new BigInteger(1, randomBytes(random, 16));
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
