package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.gridpacs.dicom.testutil.Ports;

/**
 * A cluster of archive node processes behind HAProxy, for tests: what {@code scripts/cluster} runs, on free
 * ports and in a temporary folder, with handles to kill, restart and watch each part.
 *
 * <p>Each node is its own JVM, started through {@code scripts/pacs node --node NAME --cluster FILE --members ...}
 * (so the launcher and the configuration files are what production uses), with a {@code cluster.properties} and
 * a {@code node.properties} written here: free loopback ports for DICOM, HTTP and membership, AE title PACS, and
 * whatever settings the test adds. HAProxy runs with the configuration {@code scripts/cluster haproxy-config}
 * makes from {@code conf/haproxy.cfg} (the same template as the product), its ports and admin socket moved into
 * the test's folder. {@link #close()} stops everything, and a JVM shutdown hook kills whatever a failed test
 * left behind; the logs are copied to {@code target/cluster-logs/}.
 *
 * <pre>{@code
 * try (ClusterProcesses cluster = ClusterProcesses.builder(tmp).nodes(3).start()) {
 *     cluster.kill("node2");
 *     Duration d = cluster.awaitHaproxyStatus("node2", s -> s.startsWith("DOWN"), Duration.ofSeconds(10));
 *     cluster.restart("node2");
 * }
 * }</pre>
 */
public final class ClusterProcesses implements AutoCloseable {
    public static final String AET = "PACS";
    public static final String HOST = "127.0.0.1";
    /** The HTTP account every cluster started here has (in its folder's http-users.properties). */
    public static final String HTTP_USER = "tester";
    public static final String HTTP_PASSWORD = "cluster-processes-test";
    /** The repository (tests run in gateway/). */
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path LAUNCHER = ROOT.resolve("scripts").resolve("pacs");
    static final Path CLUSTER_SCRIPT = ROOT.resolve("scripts").resolve("cluster");
    /** Ports the product uses by default (and people may be running it): never chosen here. */
    private static final Set<Integer> DEFAULT_PORTS = Set.of(11112, 11113, 11121, 11122, 11123, 11124, 8080, 8081,
            8082, 8083, 8084, 8404, 5701, 5702, 5703, 5704, 4242, 8042);
    private static final Set<Process> LIVE = Collections.synchronizedSet(new HashSet<>());

    static {
        // a test that fails (or a JVM stopped by surefire's timeout) leaves no node or HAProxy behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (LIVE) {
                LIVE.forEach(Process::destroyForcibly);
            }
        }, "cluster-processes-cleanup"));
    }

    /** One archive node: its name, ports and folder, and its process while it runs. */
    public final class Node {
        private final String name;
        private final int dicomPort;
        private final int httpPort;
        private final int membershipPort;
        private final int peerPort;
        private final Path dataDir;
        private final Path log;
        /** Its cluster address and what its JVM (and every probe of it) runs under: see {@link Placement}. */
        private final Placement placement;
        /** Its own federation TLS port (federation enabled, see {@link Builder#federation}); -1 otherwise. */
        private int federationPort = -1;
        private volatile Process process;

        Node(String name, int dicomPort, int httpPort, int membershipPort, int peerPort) {
            this.placement = settings.placement.apply(name);
            this.name = name;
            this.dicomPort = dicomPort;
            this.httpPort = httpPort;
            this.membershipPort = membershipPort;
            this.peerPort = peerPort;
            this.dataDir = dir.resolve(name);
            this.log = dir.resolve(name + ".log");
        }

        public String name() {
            return name;
        }

        public int dicomPort() {
            return dicomPort;
        }

        public int httpPort() {
            return httpPort;
        }

        public int membershipPort() {
            return membershipPort;
        }

        /** Its own federation TLS port behind HAProxy's federation entry; -1 without federation. */
        public int federationPort() {
            return federationPort;
        }

        /** The port of its peer endpoints (mutual TLS unless the test switched cluster TLS off). */
        public int peerPort() {
            return peerPort;
        }

        /** The node's data folder: storage/ and index/ (storage.uri = file:storage). */
        public Path dataDir() {
            return dataDir;
        }

        public Path storageDir() {
            return dataDir.resolve("storage");
        }

        public Path log() {
            return log;
        }

        public boolean isRunning() {
            Process p = process;
            return p != null && p.isAlive();
        }

        public long pid() {
            Process p = process;
            return p == null ? -1 : p.pid();
        }

        /** The address the other nodes reach it on (its cluster.node line); 127.0.0.1 unless placed elsewhere. */
        public String host() {
            return placement.host();
        }

        /** The command prefix its JVM runs under (e.g. ip netns exec NS); empty when none. */
        public List<String> commandPrefix() {
            return placement.commandPrefix();
        }

        /** The HTTP status of GET /health (200 while it serves), or -1 when nothing answers. */
        public int health() {
            if (!placement.commandPrefix().isEmpty()) {
                String code = httpGet("/health", "%{http_code}");
                return code == null || code.isBlank() || code.equals("000") ? -1 : Integer.parseInt(code.trim());
            }
            return httpStatus("http://" + HOST + ":" + httpPort + "/health");
        }

        /**
         * GET on its user HTTP port with curl run under its command prefix (so from inside its network namespace):
         * the body, or what {@code writeOut} (curl -w) makes of the answer; null when curl could not run.
         */
        public String httpGet(String path, String writeOut) {
            return httpRequest("GET", path, writeOut);
        }

        /** As {@link #httpGet} with another method (POST, DELETE, ...), no body. */
        public String httpRequest(String method, String path, String writeOut) {
            List<String> cmd = new ArrayList<>(placement.commandPrefix());
            cmd.addAll(List.of("curl", "-s", "-m", "2", "-X", method));
            if (writeOut != null) {
                cmd.addAll(List.of("-o", "/dev/null", "-w", writeOut));
            }
            cmd.add("http://127.0.0.1:" + httpPort + path);
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return p.waitFor(10, TimeUnit.SECONDS) ? out : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** The last lines of the node's log, for failure messages. */
        public String logTail(int lines) {
            return tail(log, lines);
        }

        @Override
        public String toString() {
            return name + " (DICOM " + dicomPort + ", HTTP " + httpPort + (isRunning() ? ", pid " + pid() : ", stopped")
                    + ")";
        }
    }

    /** One server line of HAProxy's statistics ("show stat"). */
    public record ServerState(String backend, String name, String status, int currentSessions, long totalSessions,
                              String checkStatus, long secondsSinceChange) {
        public boolean isUp() {
            return status.startsWith("UP");
        }

        public boolean isDown() {
            return status.startsWith("DOWN");
        }
    }

    /** How to build the cluster. */
    /**
     * Where a node runs: its cluster address ({@code host}, in its cluster.node line: peer connector and membership
     * bind there) and a command prefix its JVM, health checks and probes run under, such as
     * {@code ip netns exec NS} for a node in its own network namespace (its DICOM and user HTTP ports then answer
     * inside that namespace only). The default: 127.0.0.1, no prefix.
     */
    public record Placement(String host, List<String> commandPrefix) {
        public static final Placement LOOPBACK = new Placement(HOST, List.of());
    }

    public static final class Builder {
        private java.util.function.Function<String, Placement> placement = name -> Placement.LOOPBACK;
        private final Path dir;
        private int nodes = 2;
        private int replicationFactor = 2;
        private int writeQuorum = 2;
        private boolean fsync = true;
        private boolean haproxy = true;
        private String javaOpts = "-Xmx384m -XX:+UseSerialGC";
        private int startTimeoutSeconds = 120;
        private final List<String> nodeSettings = new ArrayList<>();
        private final List<String> clusterSettings = new ArrayList<>();
        private final List<String> doseSettings = new ArrayList<>();
        private int doseWorkers;
        private int workerThreads = 1;
        private int federationEntryPort;
        private String federationSettings = "";
        /** The grid tier's settings, null for no grid: see {@link #grid(String...)}. */
        private List<String> gridSettings;
        /** Ports the test handed out to others (listeners not bound yet): none of the cluster's. */
        private final Set<Integer> avoidPorts = new HashSet<>();

        Builder(Path dir) {
            this.dir = dir;
        }

        /** Where each node (by name) runs: its cluster address and command prefix; default loopback, none. */
        public Builder placement(java.util.function.Function<String, Placement> placement) {
            this.placement = placement;
            return this;
        }

        /** How many nodes (node1..nodeN), default 2. */
        public Builder nodes(int n) {
            this.nodes = n;
            return this;
        }

        public Builder replicationFactor(int rf) {
            this.replicationFactor = rf;
            return this;
        }

        public Builder writeQuorum(int quorum) {
            this.writeQuorum = quorum;
            return this;
        }

        /** storage.fsync (default true, as shipped). */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** Whether to run HAProxy in front (default true). */
        public Builder haproxy(boolean haproxy) {
            this.haproxy = haproxy;
            return this;
        }

        /** The node JVMs' options (PACS_JAVA_OPTS), default a 384 MiB heap and the serial collector. */
        public Builder javaOpts(String opts) {
            this.javaOpts = opts;
            return this;
        }

        /** A "key = value" line added to every node's node.properties (e.g. an AE for C-MOVE). */
        public Builder nodeSetting(String line) {
            nodeSettings.add(line);
            return this;
        }

        /** A "key = value" line added to cluster.properties (e.g. cluster.repair.intervalSeconds = 5). */
        public Builder clusterSetting(String line) {
            clusterSettings.add(line);
            return this;
        }

        /**
         * Starts {@code n} dose workers (scripts/pacs dose-worker, Ignite server nodes of the cluster's compute grid,
         * worker1..workerN, each with its own JVM and {@code threads} threads) on free port ranges; default none, and
         * the nodes then calculate on their own threads.
         */
        public Builder doseWorkers(int n, int threads) {
            this.doseWorkers = n;
            this.workerThreads = threads;
            return this;
        }

        /** A "key = value" line of the nodes' dose.properties (e.g. dose.stableSeconds = 2). */
        public Builder doseSetting(String line) {
            doseSettings.add(line);
            return this;
        }

        /**
         * Makes the cluster a federation site (docs/federation.md, "A cluster as a site"): a federation.properties
         * beside node.properties with federation.enabled = true, federation.bind 127.0.0.1, federation.port
         * {@code entryPort} (HAProxy's federation entry, TLS passed through) and {@code settings} (site name, AE
         * title, TLS files, remote sites); each node gets its own free federation port as the sixth field of its
         * cluster.node line. The site's TLS files must exist before {@link #start} (pacs federation-certs).
         */
        public Builder federation(int entryPort, String settings) {
            this.federationEntryPort = entryPort;
            this.federationSettings = settings;
            return this;
        }

        /**
         * Runs the grid tier as scripts/run does: an s3proxy (its own JVM, filesystem back end, data in
         * {@code grid/s3} of the cluster's folder) on a free loopback port with bucket gridpacs, its credential in
         * {@code grid/s3-credential}, and a {@code grid.properties} beside node.properties naming that endpoint,
         * plus {@code lines} ("key = value", e.g. grid.offsite.enabled = false). See {@link #gridServer()}.
         */
        public Builder grid(String... lines) {
            this.gridSettings = List.of(lines);
            return this;
        }

        /** Ports the cluster must not use: handed out by the test to listeners of its own not bound yet. */
        public Builder avoidPorts(Set<Integer> ports) {
            avoidPorts.addAll(ports);
            return this;
        }

        public Builder startTimeoutSeconds(int seconds) {
            this.startTimeoutSeconds = seconds;
            return this;
        }

        /**
         * Starts the nodes, waits until each answers its health check, then HAProxy, and waits until it sees every
         * node up. Ports are chosen free just before; if one was taken meanwhile the whole start is tried again
         * on other ports (three times).
         */
        public ClusterProcesses start() throws IOException, InterruptedException {
            IOException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                Path attemptDir = attempt == 1 ? dir : dir.resolve("retry" + attempt);
                ClusterProcesses c = new ClusterProcesses(this, attemptDir);
                try {
                    c.startAll();
                    return c;
                } catch (IOException e) {
                    c.close();
                    last = e;
                    if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                        throw e;
                    }
                } catch (RuntimeException | Error | InterruptedException e) {
                    c.close();
                    throw e;
                }
            }
            throw last;
        }
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    private final Builder settings;
    private final Path dir;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Path clusterFile;
    private final Path nodeConfig;
    private final Path haproxyDir;
    private final Path haproxyConfig;
    private final Path haproxyLog;
    private final Path statsSocket;
    private int entryPort;
    private int httpEntryPort;
    private int statsPort;
    private Process haproxy;
    private final Map<String, Process> workers = new LinkedHashMap<>();
    private int gridPortBase;
    private org.gridpacs.grid.s3proxy.S3ProxyServer gridServer;
    private boolean closed;

    private ClusterProcesses(Builder settings, Path dir) throws IOException {
        this.settings = settings;
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
        this.clusterFile = this.dir.resolve("cluster.properties");
        this.nodeConfig = this.dir.resolve("node.properties");
        this.haproxyDir = this.dir.resolve("haproxy");
        this.haproxyConfig = haproxyDir.resolve("haproxy.cfg");
        this.haproxyLog = haproxyDir.resolve("haproxy.log");
        this.statsSocket = haproxyDir.resolve("haproxy.sock");
        if (statsSocket.toString().length() > 100) {
            throw new IllegalArgumentException("the folder's path is too long for a Unix socket: " + statsSocket);
        }
    }

    // ------------------------------------------------------------------ start

    private void startAll() throws IOException, InterruptedException {
        Set<Integer> taken = new HashSet<>(settings.avoidPorts);
        for (int i = 1; i <= settings.nodes; i++) {
            String name = "node" + i;
            nodes.put(name, new Node(name, freePort(taken), freePort(taken), freePort(taken), freePort(taken)));
        }
        if (settings.federationEntryPort > 0) {
            taken.add(settings.federationEntryPort);
            for (Node n : nodes.values()) {
                n.federationPort = freePort(taken);
            }
        }
        entryPort = freePort(taken);
        httpEntryPort = freePort(taken);
        statsPort = freePort(taken);
        if (settings.doseWorkers > 0) {
            gridPortBase = freeRange(taken, 20);
        }
        writeConfiguration();
        makeCertificates();
        if (settings.gridSettings != null) {
            startGrid(freePort(taken));
        }
        // the workers' JVMs start side by side (each start is mostly single-threaded class loading), then are awaited
        for (int i = 1; i <= settings.doseWorkers; i++) {
            launchWorker("worker" + i);
        }
        for (int i = 1; i <= settings.doseWorkers; i++) {
            awaitWorker("worker" + i);
        }
        for (Node n : nodes.values()) {
            launch(n);
        }
        for (Node n : nodes.values()) {
            awaitHealthy(n);
        }
        if (settings.haproxy) {
            startHaproxy();
        }
    }

    private void writeConfiguration() throws IOException {
        StringBuilder c = new StringBuilder("# written by ClusterProcesses\n");
        c.append("cluster.members = ").append(String.join(",", nodes.keySet())).append('\n');
        for (Node n : nodes.values()) {
            c.append("cluster.node.").append(n.name).append(" = ").append(n.host()).append(' ').append(n.dicomPort)
                    .append(' ').append(n.httpPort).append(' ').append(n.membershipPort).append(' ').append(n.peerPort)
                    .append(n.federationPort > 0 ? " " + n.federationPort : "").append('\n');
        }
        c.append("cluster.replicationFactor = ").append(settings.replicationFactor).append('\n');
        c.append("cluster.writeQuorum = ").append(settings.writeQuorum).append('\n');
        if (gridPortBase > 0) {
            c.append("cluster.dose.grid.discoveryPorts = ").append(gridPortBase).append("..").append(gridPortBase + 9)
                    .append('\n');
            c.append("cluster.dose.grid.communicationPorts = ").append(gridPortBase + 10).append("..")
                    .append(gridPortBase + 19).append('\n');
        }
        settings.clusterSettings.forEach(s -> c.append(s).append('\n'));
        Files.writeString(clusterFile, c);
        StringBuilder p = new StringBuilder("# written by ClusterProcesses\n");
        p.append("dicom.aeTitle = ").append(AET).append('\n');
        p.append("dicom.bindAddress = ").append(HOST).append('\n');
        p.append("storage.fsync = ").append(settings.fsync).append('\n');
        p.append("store.duplicatePolicy = REJECT\n");
        settings.nodeSettings.forEach(s -> p.append(s).append('\n'));
        Files.writeString(nodeConfig, p);
        // beside node.properties, where pacs node reads them: the dose settings and an HTTP account for the tests
        StringBuilder d = new StringBuilder("# written by ClusterProcesses\n");
        settings.doseSettings.forEach(s -> d.append(s).append('\n'));
        Files.writeString(dir.resolve("dose.properties"), d);
        if (settings.federationEntryPort > 0) {
            Files.writeString(dir.resolve("federation.properties"), "# written by ClusterProcesses\n"
                    + "federation.enabled = true\nfederation.bind = " + HOST + "\nfederation.port = "
                    + settings.federationEntryPort + "\n" + settings.federationSettings + "\n");
        }
        org.gridpacs.http.auth.UserAccounts.put(dir.resolve("http-users.properties"), HTTP_USER, HTTP_PASSWORD.toCharArray());
    }

    /** The grid store before the nodes, as scripts/run starts it (scripts/grid-s3proxy), and grid.properties. */
    private void startGrid(int port) throws IOException {
        String credential = "cluster-processes-" + Long.toHexString(new java.util.Random().nextLong());
        Path gridDir = Files.createDirectories(dir.resolve("grid"));
        Files.writeString(gridDir.resolve("s3-credential"), credential + "\n");
        gridServer = new org.gridpacs.grid.s3proxy.S3ProxyServer(org.gridpacs.grid.s3proxy.S3ProxyServer.defaultJar(),
                gridDir.resolve("s3"), port, "gridpacs", credential).start();
        gridServer.createBucket("gridpacs");
        StringBuilder g = new StringBuilder("# written by ClusterProcesses\n");
        g.append("grid.enabled = true\ngrid.location = s3://gridpacs/archive\n");
        g.append("grid.s3.endpoint = ").append(gridServer.endpoint()).append('\n');
        g.append("grid.s3.access-key = gridpacs\ngrid.s3.secret-key-file = grid/s3-credential\n");
        settings.gridSettings.forEach(s -> g.append(s).append('\n'));
        Files.writeString(dir.resolve("grid.properties"), g);
    }

    /** The grid's S3 server (null unless built with {@link Builder#grid(String...)}): to stop, kill or list it. */
    public org.gridpacs.grid.s3proxy.S3ProxyServer gridServer() {
        return gridServer;
    }

    /** What scripts/cluster start does first: the cluster CA and node key stores where cluster.tls.* names them. */
    private void makeCertificates() throws IOException, InterruptedException {
        Path log = dir.resolve("cluster-certs.log");
        Process p = new ProcessBuilder(LAUNCHER.toString(), "cluster-certs", "--cluster", clusterFile.toString(),
                "--nodes", String.join(",", nodes.keySet()), "--days", "2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("pacs cluster-certs failed:\n" + Files.readString(log));
        }
    }

    /**
     * Starts a dose worker as scripts/cluster does and waits for its ready line. It holds the certificate of node1
     * (workers of a machine use its node's key store; {@code --name} is the worker's grid name).
     */
    public void startWorker(String name) throws IOException, InterruptedException {
        launchWorker(name);
        awaitWorker(name);
    }

    private void launchWorker(String name) throws IOException {
        Path workerDir = Files.createDirectories(dir.resolve(name));
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "dose-worker", "--name", name, "--key-of", "node1",
                "--cluster", clusterFile.toString(), "--host", HOST, "--threads", String.valueOf(settings.workerThreads),
                "--work-dir", workerDir.resolve("dose-grid").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PACS_JAVA_OPTS", "-Xmx512m -XX:+UseSerialGC");
        Process p = pb.start();
        LIVE.add(p);
        workers.put(name, p);
    }

    private void awaitWorker(String name) throws IOException, InterruptedException {
        Path log = dir.resolve(name + ".log");
        Process p = workers.get(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.startTimeoutSeconds);
        while (!tail(log, 200).contains("dose worker " + name + " ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("dose worker " + name + " did not start:\n" + tail(log, 40));
            }
            Thread.sleep(100);
        }
    }

    /** Kills a dose worker with SIGKILL (kill -9), as a crash would. */
    public void killWorker(String name) throws InterruptedException {
        Process p = workers.get(name);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        LIVE.remove(p);
    }

    /** A free range of {@code size} consecutive ports (for the compute grid's discovery and communication ports). */
    private static int freeRange(Set<Integer> taken, int size) throws IOException {
        java.util.Random r = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + r.nextInt(30_000);
            boolean free = true;
            for (int port = base; port < base + size && free; port++) {
                free = !taken.contains(port) && Ports.isFree(port);
            }
            if (free) {
                for (int port = base; port < base + size; port++) {
                    taken.add(port);
                }
                return base;
            }
        }
        throw new IOException("no " + size + " consecutive free ports");
    }

    private void launch(Node n) throws IOException {
        Files.createDirectories(n.dataDir);
        Files.writeString(n.log, "=== ClusterProcesses starts " + n.name + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        List<String> cmd = new ArrayList<>(n.commandPrefix());
        cmd.addAll(List.of(LAUNCHER.toString(), "node", "--data", n.dataDir.toString(),
                "--node", n.name, "--cluster", clusterFile.toString(), "--members", String.join(",", nodes.keySet()),
                "--config", nodeConfig.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile()));
        pb.environment().put("PACS_JAVA_OPTS", settings.javaOpts);
        Process p = pb.start();
        LIVE.add(p);
        n.process = p;
    }

    private void awaitHealthy(Node n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.startTimeoutSeconds);
        while (n.health() != 200) {
            if (!n.isRunning()) {
                throw new IOException("node " + n.name + " stopped while starting:\n" + n.logTail(40));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node " + n.name + " is not healthy after " + settings.startTimeoutSeconds
                        + " s:\n" + n.logTail(40));
            }
            Thread.sleep(100);
        }
    }

    private void startHaproxy() throws IOException, InterruptedException {
        Files.createDirectories(haproxyDir);
        List<String> cmd = List.of(CLUSTER_SCRIPT.toString(), "haproxy-config", "--nodes",
                String.valueOf(nodes.size()), "--cluster", clusterFile.toString(), "--data", dir.toString(),
                "--entry-port", String.valueOf(entryPort), "--http-port", String.valueOf(httpEntryPort),
                "--stats-port", String.valueOf(statsPort), "--bind", HOST, "--socket", statsSocket.toString());
        if (settings.federationEntryPort > 0) {
            // the federation entry comes from the federation.properties beside node.properties
            cmd = new ArrayList<>(cmd);
            cmd.addAll(List.of("--config", nodeConfig.toString()));
        }
        Process gen = new ProcessBuilder(cmd).redirectOutput(haproxyConfig.toFile())
                .redirectError(haproxyDir.resolve("config.err").toFile()).start();
        if (!gen.waitFor(30, TimeUnit.SECONDS) || gen.exitValue() != 0) {
            gen.destroyForcibly();
            throw new IOException("scripts/cluster haproxy-config failed: "
                    + Files.readString(haproxyDir.resolve("config.err")));
        }
        ProcessBuilder pb = new ProcessBuilder(haproxyBinary(), "-f", haproxyConfig.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(haproxyLog.toFile()));
        haproxy = pb.start();
        LIVE.add(haproxy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!haproxy.isAlive()) {
                throw new IOException("HAProxy stopped while starting:\n" + tail(haproxyLog, 30));
            }
            try {
                if (Files.exists(statsSocket)
                        && haproxyServers("dicom_nodes").values().stream().filter(ServerState::isUp).count() == nodes.size()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("HAProxy does not see every node up after 15 s: " + safeServers()
                        + "\n" + tail(haproxyLog, 30));
            }
            Thread.sleep(50);
        }
    }

    /** The haproxy executable; a clear error when it is missing. */
    static String haproxyBinary() {
        for (String p : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("HAProxy is not installed: run ./scripts/test, which installs it "
                + "(apt-get install haproxy)");
    }

    // ------------------------------------------------------------------ what a test sees

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node with this name; IllegalArgumentException for an unknown one. */
    public Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("unknown node " + name + "; the cluster has " + nodes.keySet());
        }
        return n;
    }

    /** The nodes whose process runs. */
    public List<Node> runningNodes() {
        return nodes.values().stream().filter(Node::isRunning).toList();
    }

    /** HAProxy's DICOM port: the cluster's entry point (AE title PACS). */
    public int entryPort() {
        return entryPort;
    }

    /** HAProxy's federation entry (TLS passed through to the nodes' federation ports); 0 without federation. */
    public int federationEntryPort() {
        return settings.federationEntryPort;
    }

    /** HAProxy's HTTP port in front of the nodes' HTTP ports. */
    public int httpEntryPort() {
        return httpEntryPort;
    }

    /** HAProxy's statistics page (http://127.0.0.1:port/). */
    /** The Authorization header of {@link #HTTP_USER}. */
    public static String httpAuthorization() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((HTTP_USER + ":" + HTTP_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    public int statsPort() {
        return statsPort;
    }

    public Path statsSocket() {
        return statsSocket;
    }

    public Path dir() {
        return dir;
    }

    public Path clusterFile() {
        return clusterFile;
    }

    public int replicationFactor() {
        return settings.replicationFactor;
    }

    // ------------------------------------------------------------------ failures and recovery

    /** kill -9 of the node; returns once the process is gone. */
    public void kill(String name) throws InterruptedException {
        Node n = node(name);
        Process p = n.process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException(name + " is not running");
        }
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + p.pid() + ") survived SIGKILL for 30 s");
        }
        LIVE.remove(p);
    }

    /** SIGTERM (a clean stop: the node closes its index), SIGKILL after 30 s. */
    public void stop(String name) throws InterruptedException {
        Node n = node(name);
        Process p = n.process;
        if (p != null) {
            stopProcess(p, 30);
        }
    }

    /** SIGSTOP: the node hangs (its sockets stay open, nothing answers); {@link #resume} undoes it. */
    public void suspend(String name) throws IOException, InterruptedException {
        signal(node(name), "STOP");
    }

    public void resume(String name) throws IOException, InterruptedException {
        signal(node(name), "CONT");
    }

    private static void signal(Node n, String signal) throws IOException, InterruptedException {
        if (!n.isRunning()) {
            throw new IllegalStateException(n.name + " is not running");
        }
        Process k = new ProcessBuilder("kill", "-" + signal, String.valueOf(n.pid())).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + n.pid() + " failed");
        }
    }

    /** Starts a stopped or killed node again on the same data and ports; waits until it is healthy. */
    public void restart(String name) throws IOException, InterruptedException {
        Node n = node(name);
        if (n.isRunning()) {
            stop(name);
        }
        launch(n);
        awaitHealthy(n);
    }

    // ------------------------------------------------------------------ HAProxy

    /** A command of HAProxy's runtime API ("show stat", "show servers state", ...): its whole answer. */
    public String haproxyCommand(String command) throws IOException {
        if (haproxy == null) {
            throw new IllegalStateException("this cluster runs without HAProxy");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS)).thenRun(() -> {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing to end a stuck read
                    }
                });
        try (ch) {
            ch.connect(UnixDomainSocketAddress.of(statsSocket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** The servers of one backend ("dicom_nodes" or "http_nodes") as HAProxy sees them, by node name. */
    public Map<String, ServerState> haproxyServers(String backend) throws IOException {
        String csv = haproxyCommand("show stat");
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            throw new IOException("unexpected answer to show stat: " + csv);
        }
        List<String> header = Arrays.asList(lines[0].substring(2).split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int status = header.indexOf("status");
        int scur = header.indexOf("scur");
        int stot = header.indexOf("stot");
        int check = header.indexOf("check_status");
        int lastchg = header.indexOf("lastchg");
        Map<String, ServerState> servers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length < header.size() || !f[px].equals(backend) || f[sv].equals("BACKEND") || f[sv].equals("FRONTEND")) {
                continue;
            }
            servers.put(f[sv], new ServerState(f[px], f[sv], f[status], parseInt(f[scur]), parseLong(f[stot]),
                    f[check], parseLong(f[lastchg])));
        }
        return servers;
    }

    /** The DICOM backend's view of one node. */
    public ServerState haproxyServer(String name) throws IOException {
        ServerState s = haproxyServers("dicom_nodes").get(name);
        if (s == null) {
            throw new IllegalArgumentException("HAProxy has no server " + name);
        }
        return s;
    }

    /**
     * Polls HAProxy (every 20 ms) until the node's status in the DICOM backend matches; returns how long that took.
     *
     * @throws TimeoutException when it does not within {@code timeout}
     */
    public java.time.Duration awaitHaproxyStatus(String name, Predicate<String> status, java.time.Duration timeout)
            throws IOException, InterruptedException, TimeoutException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = null;
        while (true) {
            last = haproxyServer(name).status();
            if (status.test(last)) {
                return java.time.Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(name + " is still " + last + " in HAProxy after " + timeout.toMillis() + " ms");
            }
            Thread.sleep(20);
        }
    }

    /** For messages: HAProxy's view of every node, or why it cannot be had. */
    public String safeServers() {
        try {
            StringBuilder sb = new StringBuilder();
            for (ServerState s : haproxyServers("dicom_nodes").values()) {
                sb.append(s.name()).append('=').append(s.status()).append(" (").append(s.checkStatus()).append(", ")
                        .append(s.currentSessions()).append(" sessions) ");
            }
            return sb.toString().strip();
        } catch (IOException | RuntimeException e) {
            return "(HAProxy statistics unavailable: " + e.getMessage() + ")";
        }
    }

    public String haproxyLogTail(int lines) {
        return tail(haproxyLog, lines);
    }

    // ------------------------------------------------------------------ stop

    /** Stops HAProxy and every node (SIGTERM, SIGKILL after 30 s) and keeps the logs in target/cluster-logs. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (haproxy != null) {
                stopProcess(haproxy, 10);
            }
            List<Process> stopping = new ArrayList<>();
            for (Node n : nodes.values()) {
                if (n.process != null && n.process.isAlive()) {
                    n.process.destroy();
                    stopping.add(n.process);
                }
            }
            for (Process p : workers.values()) {
                if (p.isAlive()) {
                    p.destroy();
                    stopping.add(p);
                }
            }
            for (Process p : stopping) {
                stopProcess(p, 30);
            }
            if (gridServer != null) {
                gridServer.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nodes.values().forEach(n -> {
                if (n.process != null) {
                    n.process.destroyForcibly();
                }
            });
            workers.values().forEach(Process::destroyForcibly);
            if (haproxy != null) {
                haproxy.destroyForcibly();
            }
        }
        keepLogs();
    }

    private static void stopProcess(Process p, int seconds) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        LIVE.remove(p);
    }

    private void keepLogs() {
        try {
            Path keep = Path.of("target", "cluster-logs", dir.getParent().getFileName() + "-" + dir.getFileName());
            Files.createDirectories(keep);
            for (Node n : nodes.values()) {
                if (Files.exists(n.log)) {
                    Files.copy(n.log, keep.resolve(n.log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String w : workers.keySet()) {
                Path log = dir.resolve(w + ".log");
                if (Files.exists(log)) {
                    Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (Path p : List.of(haproxyLog, haproxyConfig, clusterFile, nodeConfig)) {
                if (Files.exists(p)) {
                    Files.copy(p, keep.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException ignored) {
            // only a convenience
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A free loopback port, not one of the product's defaults and not already handed out. */
    static int freePort(Set<Integer> taken) throws IOException {
        return Ports.freePort(taken, DEFAULT_PORTS);
    }

    /** The HTTP status of a GET, or -1 when nothing answers within a second. */
    static int httpStatus(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log " + file + ": " + e.getMessage() + ")";
        }
    }

    private static int parseInt(String s) {
        return s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static long parseLong(String s) {
        return s.isEmpty() ? -1 : Long.parseLong(s);
    }
}
