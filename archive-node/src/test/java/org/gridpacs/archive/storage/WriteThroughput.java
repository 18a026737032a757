package org.gridpacs.archive.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Not a test: a rough figure for the C-STORE write path. Writes 150 MB as 512 KB objects, in 16 KB writes (the
 * size of the PDVs a sender typically sends), with and without fsync, on one thread and on four.
 * Run: java -cp target/classes:target/test-classes:slf4j-api.jar org.gridpacs.archive.storage.WriteThroughput [dir]
 */
public final class WriteThroughput {
    private static final int OBJECT = 512 * 1024;
    private static final int OBJECTS = 300;
    private static final int WRITE = 16 * 1024;

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("throughput");
        byte[] content = new byte[OBJECT];
        new Random(1).nextBytes(content);
        for (int round = 0; round < 3; round++) { // the first round warms up
            for (boolean fsync : new boolean[] {true, false}) {
                for (int threads : new int[] {1, 4}) {
                    Path root = dir.resolve("r" + round + (fsync ? "sync" : "nosync") + threads);
                    Storage s = ChecksummingStorage.of(new FileSystemStorage("bench", root, fsync));
                    double seconds = run(s, content, threads);
                    System.out.printf("round %d fsync=%-5s threads=%d: %d MB in %.2f s = %.0f MB/s%n", round, fsync,
                            threads, OBJECTS * (long) OBJECT / 1_000_000, seconds,
                            OBJECTS * (long) OBJECT / 1e6 / seconds);
                    delete(root);
                }
            }
        }
    }

    private static double run(Storage s, byte[] content, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        Future<?>[] f = new Future<?>[threads];
        for (int t = 0; t < threads; t++) {
            f[t] = pool.submit(() -> {
                for (int k = 0; k < OBJECTS / threads; k++) {
                    s.create(out -> {
                        for (int off = 0; off < content.length; off += WRITE) {
                            out.write(content, off, Math.min(WRITE, content.length - off));
                        }
                    });
                }
                return null;
            });
        }
        for (Future<?> x : f) {
            x.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return seconds;
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
