package org.gridpacs.dose.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.gridpacs.dose.engine.Batch;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.LocalPoolExecutor;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.engine.Tally;
import org.gridpacs.dose.grid.DoseGrid;
import org.gridpacs.dose.grid.GridBatchExecutor;
import org.gridpacs.dose.grid.GridConfig;
import org.gridpacs.dose.grid.GridTls;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;

/**
 * Benchmark (not a test) of the dose compute grid: 6 MV 10 x 10 on a water phantom (184 x 184 x 90 voxels of 3 mm by
 * default), the same job on the local pool and on 1, 2, ... worker JVMs (Ignite server nodes, TLS on, loopback),
 * split into: sending the job (first round of tiny batches minus a later one), a round's overhead (a round of
 * one-history batches), reduce (inflating and merging the tallies), and the whole run against the local pool. The
 * workers share this machine, so each gets cores/n threads: the totals compare overhead, not added cores.
 * Run through scripts/bench-dose-grid.
 *
 * <p>Args: [histories (default 2e6)] [worker counts, e.g. 1,2] [voxels per axis: 184x184x90].
 */
public final class GridBench {
    private static final char[] PASSWORD = "changeit".toCharArray();

    public static void main(String[] args) throws Exception {
        long histories = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        String counts = args.length > 1 ? args[1] : "1,2";
        String[] dims = (args.length > 2 ? args[2] : "184x184x90").split("x");
        int nx = Integer.parseInt(dims[0]);
        int ny = Integer.parseInt(dims[1]);
        int nz = Integer.parseInt(dims[2]);
        int cores = Runtime.getRuntime().availableProcessors();
        Phantom p = new Phantom(nx, ny, nz, 0.3, 0.3, 0.3, -nx * 0.3 / 2, 0, -nz * 0.3 / 2);
        p.fill(Media.WATER, 1f);
        DoseJob job = DoseJob.raw(p, new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0)),
                DoseSettings.histories(histories, 1).withThreads(cores));
        Path dir = Files.createTempDirectory("grid-bench");
        Path trust = dir.resolve("ca.p12");
        CertificateAuthority ca = CertificateAuthority.create(new X500Principal("CN=bench CA"), KeyType.EC,
                Duration.ofDays(1));
        KeyStores.store(KeyStores.trustStore("ca", ca.certificate()), trust, PASSWORD, KeyStores.Readers.OWNER);

        long t0 = System.nanoTime();
        byte[] expected;
        try (LocalPoolExecutor pool = new LocalPoolExecutor(cores)) {
            MonteCarlo.run(job, pool, ProgressListener.NONE, new Cancellation()); // warm-up
            t0 = System.nanoTime();
            expected = MonteCarlo.run(job, pool, ProgressListener.NONE, new Cancellation()).tally.toBytes();
        }
        double local = (System.nanoTime() - t0) / 1e9;
        System.out.printf("phantom %dx%dx%d (%d voxels), %d histories, %d cores; local pool %.3f s (%.0f histories/s)%n",
                nx, ny, nz, p.voxels(), histories, cores, local, histories / local);

        for (String c : counts.split(",")) {
            int n = Integer.parseInt(c.trim());
            int threads = Math.max(1, cores / n);
            int discovery = freeRange(n + 2);
            int communication = freeRange(n + 2);
            List<Process> workers = new ArrayList<>();
            try {
                for (int i = 1; i <= n; i++) {
                    workers.add(startWorker(dir, ca, trust, "bench-worker" + i, threads, discovery, communication, n + 1));
                }
                GridConfig config = new GridConfig(List.of("127.0.0.1:" + discovery + ".." + (discovery + n + 1)),
                        "127.0.0.1", discovery, communication, n + 1, tls(dir, ca, trust, "bench-client"),
                        dir.resolve("work"), 20_000);
                long j0 = System.nanoTime();
                try (DoseGrid grid = new DoseGrid(config, "bench-client-" + n)) {
                    grid.join();
                    double join = (System.nanoTime() - j0) / 1e9;
                    while (grid.workers().size() < n) {
                        Thread.sleep(50);
                    }
                    // warm-up (JIT on both sides), then the measured run with a fresh executor (the job is sent again)
                    try (GridBatchExecutor e = (GridBatchExecutor) grid.executor()) {
                        MonteCarlo.run(job, e, ProgressListener.NONE, new Cancellation());
                    }
                    GridBatchExecutor e = (GridBatchExecutor) grid.executor();
                    List<Batch> tiny = new ArrayList<>();
                    for (int i = 0; i < n * threads; i++) {
                        tiny.add(new Batch(1_000_000 + i, 1));
                    }
                    Tally scratch = new Tally(p.voxels());
                    long r0 = System.nanoTime();
                    e.run(job, tiny, scratch, b -> { }, new Cancellation()); // carries the job
                    long r1 = System.nanoTime();
                    double reduce0 = e.reduceSeconds();
                    double[] rounds = new double[15];
                    for (int k = 0; k < rounds.length; k++) {
                        long k0 = System.nanoTime();
                        e.run(job, tiny, scratch, b -> { }, new Cancellation()); // the job is there already
                        rounds[k] = (System.nanoTime() - k0) / 1e9;
                    }
                    java.util.Arrays.sort(rounds);
                    double emptyRound = rounds[rounds.length / 2];
                    double emptyReduce = (e.reduceSeconds() - reduce0) / rounds.length;
                    e.close();

                    GridBatchExecutor run = (GridBatchExecutor) grid.executor();
                    long w0 = System.nanoTime();
                    MonteCarlo.Raw raw = MonteCarlo.run(job, run, ProgressListener.NONE, new Cancellation());
                    double wall = (System.nanoTime() - w0) / 1e9;
                    boolean same = java.util.Arrays.equals(expected, raw.tally.toBytes());
                    System.out.printf("%d worker(s) x %d threads: join %.2f s; job %.1f MB encoded in %.3f s, first round "
                                    + "(job sent, prepared) %.3f s vs %.3f s once there; a round of tiny batches: median %.1f ms, min "
                                    + "%.1f ms (of which reduce %.1f ms)%n", n, threads, join, run.jobBytes() / 1e6,
                            run.jobEncodeSeconds(), (r1 - r0) / 1e9, emptyRound, emptyRound * 1e3, rounds[0] * 1e3,
                            emptyReduce * 1e3);
                    System.out.printf("   run %.3f s (local %.3f s: overhead %+.3f s), %d rounds, reduce %.3f s, tallies "
                                    + "%.1f MB (%.2f MB per share), worker CPU %.2f s (%.0f histories/s per "
                                    + "thread); same bytes as the local pool: %s%n", wall, local, wall - local,
                            raw.batches / DoseSettings.BATCHES_PER_ROUND, run.reduceSeconds(),
                            run.tallyBytesReceived() / 1e6, run.tallyBytesReceived() / 1e6
                                    / Math.max(1, raw.batches / DoseSettings.BATCHES_PER_ROUND) / n,
                            raw.cpuSeconds, histories / raw.cpuSeconds, same);
                    run.close();
                }
            } finally {
                for (Process w : workers) {
                    w.destroy();
                }
                for (Process w : workers) {
                    w.waitFor();
                }
            }
        }
    }

    private static GridTls tls(Path dir, CertificateAuthority ca, Path trust, String name) throws Exception {
        Path keys = dir.resolve(name + ".p12");
        var issued = ca.issue(CertificateRequest.tlsPeer(new X500Principal("CN=" + name), List.of("127.0.0.1"),
                Duration.ofDays(1)));
        KeyStores.store(issued.keyStore(name, PASSWORD), keys, PASSWORD, KeyStores.Readers.OWNER);
        return new GridTls(keys, PASSWORD, trust, PASSWORD);
    }

    private static Process startWorker(Path dir, CertificateAuthority ca, Path trust, String name, int threads,
                                       int discovery, int communication, int range) throws Exception {
        GridTls tls = tls(dir, ca, trust, name);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.add(System.getProperty("bench.igniteArgs"));
        cmd.add(System.getProperty("bench.logArgs"));
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"),
                "org.gridpacs.dose.grid.DoseWorker", "--name", name, "--addresses",
                "127.0.0.1:" + discovery + ".." + (discovery + range), "--discovery-port", "" + discovery,
                "--communication-port", "" + communication, "--port-range", "" + range, "--threads", "" + threads,
                "--work-dir", dir.resolve("work").toString(), "--key-store", tls.keyStore().toString(),
                "--key-store-password", new String(PASSWORD), "--trust-store", trust.toString(),
                "--trust-store-password", new String(PASSWORD)));
        Process w = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(w.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("dose worker " + name + " ready")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return w;
            }
        }
        throw new IOException("worker " + name + " did not start:\n" + seen);
    }

    private static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
                    free = true;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free port range");
    }
}
