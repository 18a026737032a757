package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts real DICOM peers as subprocesses for interoperability tests: DCMTK's {@code storescp} and
 * {@code dcmqrscp}, and Orthanc. Each listens on a free loopback port, keeps its files and its log in a
 * folder of its own, and is stopped by {@link Peer#close()}. A peer is handed out only once its port
 * accepts connections.
 */
public final class Peers {
    public static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_MS = 20_000;

    private Peers() {
    }

    /** A running peer process: its AE title, DICOM port, folder and log. */
    public static final class Peer implements AutoCloseable {
        private final Process process;
        private final String aet;
        private final int port;
        private final Path dir;
        private final Path log;
        private final int httpPort;

        Peer(Process process, String aet, int port, Path dir, Path log, int httpPort) {
            this.process = process;
            this.aet = aet;
            this.port = port;
            this.dir = dir;
            this.log = log;
            this.httpPort = httpPort;
        }

        public String aet() {
            return aet;
        }

        public int port() {
            return port;
        }

        /** Orthanc's REST API port (loopback), or -1 for a peer without one. */
        public int httpPort() {
            return httpPort;
        }

        /** The file the peer's output goes to (e.g. for reading what Orthanc logged since some offset). */
        public Path log() {
            return log;
        }

        /** The peer's working folder, holding its log and configuration. */
        public Path dir() {
            return dir;
        }

        /** Where the peer keeps the objects it receives (storescp's output folder, dcmqrscp's storage area). */
        public Path files() {
            return dir.resolve("files");
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** The end of what the peer printed, for failure messages. */
        public String logTail() {
            return tail(log, 60);
        }

        /**
         * Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it; its log is kept in
         * {@code target/peer-logs} for reading after a failure.
         */
        @Override
        public void close() {
            stop(process);
            try {
                Path keep = Path.of("target", "peer-logs");
                Files.createDirectories(keep);
                Files.copy(log, keep.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // only a convenience
            }
        }
    }

    /**
     * DCMTK storescp writing what it receives into {@code dir/files}, accepting every transfer syntax it knows
     * ({@code +xa}) and keeping the received one in the files.
     */
    public static Peer storescp(Path dir, String aet, String... extraOptions) throws IOException {
        Files.createDirectories(dir.resolve("files"));
        return startOnFreePort(dir, aet, "storescp", port -> {
            List<String> cmd = new ArrayList<>(List.of("storescp", "-v", "--aetitle", aet, "+xa",
                    "--output-directory", dir.resolve("files").toString(), "--acse-timeout", "10", "--dimse-timeout", "10"));
            cmd.addAll(Arrays.asList(extraOptions));
            cmd.add(String.valueOf(port));
            return cmd;
        }, null, -1);
    }

    /** A remote application entity that dcmqrscp may accept and send to (its HostTable entry). */
    public record Remote(String aet, int port) {
    }

    /**
     * DCMTK dcmqrscp (a process per association), serving {@code aet} from a storage area in {@code dir}, with
     * {@code remotes} in its host table (so they can be C-MOVE destinations).
     */
    public static Peer dcmqrscp(Path dir, String aet, List<Remote> remotes, String... extraOptions) throws IOException {
        Path db = dir.resolve("files");
        Files.createDirectories(db);
        Path cfg = dir.resolve("dcmqrscp.cfg");
        return startOnFreePort(dir, aet, "dcmqrscp", port -> {
            StringBuilder sb = new StringBuilder();
            sb.append("NetworkTCPPort  = ").append(port).append('\n');
            sb.append("MaxPDUSize      = 16384\n");
            sb.append("MaxAssociations = 16\n");
            sb.append("HostTable BEGIN\n");
            for (Remote r : remotes) {
                // dcmqrscp wants a host name here, not an address
                sb.append(r.aet().toLowerCase()).append(" = (").append(r.aet()).append(", localhost, ")
                        .append(r.port()).append(")\n");
            }
            sb.append("HostTable END\n");
            sb.append("VendorTable BEGIN\nVendorTable END\n");
            sb.append("AETable BEGIN\n");
            sb.append(aet).append(' ').append(db).append(" RW (200, 1024mb) ANY\n");
            sb.append("AETable END\n");
            Files.writeString(cfg, sb.toString());
            // not --single-process: Debian's dcmqrscp 3.6.7 crashes (SIGSEGV) after a C-STORE association in that mode
            List<String> cmd = new ArrayList<>(List.of("dcmqrscp", "-v", "-c", cfg.toString(),
                    "--acse-timeout", "10", "--dimse-timeout", "10"));
            cmd.addAll(Arrays.asList(extraOptions));
            cmd.add(String.valueOf(port));
            return cmd;
        }, null, -1);
    }

    /**
     * A modality Orthanc knows (its "DicomModalities" entry): who may query it and where it may send; {@code tls}:
     * Orthanc calls it with DICOM TLS ("UseDicomTls", Orthanc 1.9+; Orthanc's own DicomTls* options must be set).
     */
    public record Modality(String aet, String host, int port, boolean tls) {
        public Modality(String aet, String host, int port) {
            this(aet, host, port, false);
        }
    }

    /** Orthanc with a fresh database in {@code dir}, DICOM on a free port, HTTP on another (loopback only). */
    public static Peer orthanc(Path dir, String aet, Map<String, Modality> modalities) throws IOException {
        return orthanc(dir, aet, modalities, "");
    }

    /**
     * As {@link #orthanc(Path, String, Map)}, with {@code extraConfig} added to the configuration object: further
     * members in JSON, each followed by a comma (e.g. {@code "Plugins" : [ ... ],}). The peer is handed out once
     * both its DICOM and its HTTP port accept connections.
     */
    public static Peer orthanc(Path dir, String aet, Map<String, Modality> modalities, String extraConfig)
            throws IOException {
        Files.createDirectories(dir);
        Path cfg = dir.resolve("orthanc.json");
        int httpPort = Ports.freePort();
        return startOnFreePort(dir, aet, "Orthanc", port -> {
            StringBuilder mods = new StringBuilder();
            for (Map.Entry<String, Modality> m : modalities.entrySet()) {
                if (mods.length() > 0) {
                    mods.append(",\n");
                }
                Modality v = m.getValue();
                if (v.tls()) {
                    // the object form: the array form has no room for UseDicomTls
                    mods.append("    \"").append(m.getKey()).append("\" : { \"AET\" : \"").append(v.aet())
                            .append("\", \"Host\" : \"").append(v.host()).append("\", \"Port\" : ").append(v.port())
                            .append(", \"UseDicomTls\" : true }");
                } else {
                    mods.append("    \"").append(m.getKey()).append("\" : [ \"").append(v.aet()).append("\", \"")
                            .append(v.host()).append("\", ").append(v.port()).append(" ]");
                }
            }
            String json = """
                    {
                    %s
                      "Name" : "GridPACS interop test",
                      "StorageDirectory" : "%s",
                      "IndexDirectory" : "%s",
                      "StorageCompression" : false,
                      "HttpServerEnabled" : true,
                      "HttpPort" : %d,
                      "RemoteAccessAllowed" : false,
                      "AuthenticationEnabled" : false,
                      "DicomServerEnabled" : true,
                      "DicomAet" : "%s",
                      "DicomPort" : %d,
                      "DicomCheckCalledAet" : true,
                      "DicomAlwaysAllowEcho" : true,
                      "DicomAlwaysAllowStore" : true,
                      "DicomCheckModalityHost" : false,
                      "DicomScpTimeout" : 10,
                      "DicomScuTimeout" : 10,
                      "DicomAssociationCloseDelay" : 0,
                      "SynchronousCMove" : true,
                      "UnknownSopClassAccepted" : true,
                      "DeflatedTransferSyntaxAccepted" : true,
                      "JpegTransferSyntaxAccepted" : true,
                      "JpegLosslessTransferSyntaxAccepted" : true,
                      "RleTransferSyntaxAccepted" : true,
                      "SaveJobs" : false,
                      "DicomModalities" : {
                    %s
                      }
                    }
                    """.formatted(extraConfig, dir.resolve("storage"), dir.resolve("index"), httpPort, aet, port, mods);
            Files.writeString(cfg, json);
            return List.of("Orthanc", "--no-jobs", cfg.toString());
        }, dir, httpPort);
    }

    @FunctionalInterface
    private interface CommandLine {
        List<String> forPort(int port) throws IOException;
    }

    /** Starts the peer on a free port; tries again with another port if it died (e.g. the port was taken meanwhile). */
    private static Peer startOnFreePort(Path dir, String aet, String name, CommandLine commandLine, Path workDir,
            int httpPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = Ports.freePort();
            Path log = dir.resolve(name + "-" + port + ".log");
            ProcessBuilder pb = new ProcessBuilder(commandLine.forPort(port)).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("TCP_NODELAY", "1");
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process p = pb.start();
            try {
                Ports.awaitPort(p, port, START_TIMEOUT_MS);
                if (httpPort > 0) {
                    Ports.awaitPort(p, httpPort, START_TIMEOUT_MS);
                }
                return new Peer(p, aet, port, dir, log, httpPort);
            } catch (IOException e) {
                stop(p);
                last = new IOException(name + " did not start listening on port " + port + ": " + e.getMessage()
                        + "\n--- " + log + " ---\n" + tail(log, 40), e);
            }
        }
        throw last;
    }

    private static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Arrays.asList(new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
