package org.gridpacs.dose.grid;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.apache.ignite.Ignite;

/**
 * A dose worker: an Ignite server node of the compute grid that runs the batches of dose jobs on its own thread pool.
 * Long-lived (a node costs seconds to start and join; a job then costs milliseconds per round), in its own JVM next to
 * the archive node, so that a Monte Carlo job never pauses the DICOM service. Started by {@code pacs dose-worker} (and
 * so by scripts/cluster); {@link #main} is the same for tests and scripts that have no gateway.
 */
public final class DoseWorker implements AutoCloseable {
    /** Jobs unused this long are dropped (a job whose caller died never says it is over). */
    static final long JOB_IDLE_MILLIS = 10 * 60_000;
    /** At most this many prepared jobs per worker (phantom, tables, runners each). */
    static final int MAX_JOBS = 4;

    private final Ignite ignite;

    private DoseWorker(Ignite ignite) {
        this.ignite = ignite;
    }

    /**
     * Starts a worker node and joins the grid (it forms the grid if it is the first).
     *
     * @param name    the node's name (its consistent id, in logs and in the callers' worker lists)
     * @param threads threads for batches; the caller's shares are in proportion to them
     */
    public static DoseWorker start(GridConfig config, String name, int threads) {
        WorkerJobs.register(name, new WorkerJobs(threads, JOB_IDLE_MILLIS, MAX_JOBS));
        try {
            Ignite ignite = GridNodes.start(config, name, false, Map.of(GridNodes.WORKER_THREADS, threads));
            return new DoseWorker(ignite);
        } catch (RuntimeException e) {
            WorkerJobs.unregister(name);
            throw e;
        }
    }

    public String name() {
        return ignite.name();
    }

    /** The discovery port this node took from its range. */
    public int discoveryPort() {
        return ((org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi) ignite.configuration().getDiscoverySpi())
                .getLocalPort();
    }

    /** Jobs this worker holds now. */
    public int jobs() {
        return WorkerJobs.of(ignite).size();
    }

    @Override
    public void close() {
        String name = ignite.name();
        try {
            ignite.close();
        } finally {
            WorkerJobs.unregister(name);
        }
    }

    /**
     * {@code DoseWorker --name N --host H --addresses H:P1..P2[,..] [--discovery-port P] [--communication-port P]
     * [--port-range R] [--threads T] [--work-dir DIR] (--key-store F --key-store-password S --trust-store F
     * --trust-store-password S | --no-tls)}; prints "dose worker N ready" and runs until the JVM is stopped.
     */
    public static void main(String[] args) throws InterruptedException {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-tls")) {
                o.put("no-tls", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                o.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "' (see DoseWorker's javadoc)");
            }
        }
        String name = required(o, "name");
        String host = o.getOrDefault("host", "127.0.0.1");
        GridTls tls = o.containsKey("no-tls") ? null : new GridTls(Path.of(required(o, "key-store")),
                required(o, "key-store-password").toCharArray(), Path.of(required(o, "trust-store")),
                required(o, "trust-store-password").toCharArray());
        List<String> addresses = new ArrayList<>(Arrays.asList(required(o, "addresses").split(",")));
        GridConfig config = new GridConfig(addresses, host,
                Integer.parseInt(o.getOrDefault("discovery-port", "" + GridConfig.DEFAULT_DISCOVERY_PORT)),
                Integer.parseInt(o.getOrDefault("communication-port", "" + GridConfig.DEFAULT_COMMUNICATION_PORT)),
                Integer.parseInt(o.getOrDefault("port-range", "" + GridConfig.DEFAULT_PORT_RANGE)), tls,
                Path.of(o.getOrDefault("work-dir", "var/dose-grid/" + name)), GridConfig.DEFAULT_JOIN_TIMEOUT_MILLIS);
        int threads = Integer.parseInt(o.getOrDefault("threads", "" + Runtime.getRuntime().availableProcessors()));
        runUntilStopped(config, name, threads);
    }

    /** Starts a worker, says so on standard output, and keeps it until the JVM is asked to stop. */
    public static void runUntilStopped(GridConfig config, String name, int threads) throws InterruptedException {
        DoseWorker worker = start(config, name, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "dose-worker-stop"));
        System.out.println("dose worker " + name + " ready: " + threads + " threads, discovery " + config.host() + ":"
                + worker.discoveryPort());
        System.out.flush();
        stopped.await();
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException("dose worker: --" + key + " is required");
        }
        return v;
    }
}
