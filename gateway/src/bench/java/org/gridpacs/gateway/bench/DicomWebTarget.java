package org.gridpacs.gateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.query.QueryLatencyBench;
import org.gridpacs.dicom.testutil.OrthancDicomWeb;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.http.auth.UserAccounts;

/**
 * A DICOMweb server under measurement: its service root, the Authorization header its requests carry (or none),
 * and its DICOM port, through which the benchmark loads both servers the same way (DCMTK storescu).
 */
final class DicomWebTarget implements AutoCloseable {
    private static final String USER = "bench";
    private static final String PASSWORD = "bench-dicomweb";

    final String name;
    final String root;
    final String authorization;
    final String dicomHost;
    final int dicomPort;
    final String aet;
    private final AutoCloseable process;

    private DicomWebTarget(String name, String root, String authorization, String dicomHost, int dicomPort, String aet,
                           AutoCloseable process) {
        this.name = name;
        this.root = root;
        this.authorization = authorization;
        this.dicomHost = dicomHost;
        this.dicomPort = dicomPort;
        this.aet = aet;
        this.process = process;
    }

    /** Orthanc 1.10 with its DICOMweb plugin, its defaults otherwise (SQLite index, files synced to disk). */
    static DicomWebTarget orthanc(Path dir) throws IOException {
        OrthancDicomWeb o = OrthancDicomWeb.start(dir, Map.of());
        return new DicomWebTarget("Orthanc", o.dicomWebRoot(), null, "127.0.0.1", o.peer().port(), o.peer().aet(), o);
    }

    /**
     * Our archive node (scripts/pacs node) on free loopback ports with an HTTP account of its own; when
     * {@code syntheticIndex} > 0 its index is first filled with that many synthetic instances (QueryLatencyBench's
     * generator: batched inserts, no files) so that QIDO runs over a large index.
     */
    static DicomWebTarget node(Path root, Path dir, int syntheticIndex) throws IOException, java.sql.SQLException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        if (syntheticIndex > 0) {
            long t0 = System.nanoTime();
            String url = "jdbc:h2:file:" + data.resolve("index").resolve("index") + IndexDatabase.H2_SETTINGS;
            try (IndexDatabase db = IndexDatabase.open(url, "sa", "", 4)) {
                QueryLatencyBench.fill(db, 0, syntheticIndex);
                // the generator gives the keys itself: the node's own inserts must start after them
                db.inTransaction(c -> {
                    for (String table : List.of("patient", "study", "series", "instance", "location")) {
                        long next = org.gridpacs.archive.index.Jdbc.queryLong(c, "SELECT COALESCE(MAX(pk), 0) + 1 FROM " + table);
                        try (java.sql.Statement st = c.createStatement()) {
                            st.execute("ALTER TABLE " + table + " ALTER COLUMN pk RESTART WITH " + next);
                        }
                    }
                    return null;
                });
            }
            System.out.printf("our node: index filled with %,d synthetic instances in %.0f s%n", syntheticIndex,
                    (System.nanoTime() - t0) / 1e9);
        }
        Path users = dir.resolve("http-users.properties");
        UserAccounts.put(users, USER, PASSWORD.toCharArray());
        int dicom = Ports.freePort();
        int http = Ports.freePort();
        Path config = dir.resolve("node.properties");
        Files.writeString(config, """
                dicom.aeTitle = PACS
                dicom.bindAddress = 127.0.0.1
                http.port = %d
                http.users = %s
                """.formatted(http, users));
        List<String> cmd = new ArrayList<>(List.of(root.resolve("scripts/pacs").toString(), "node", "--data",
                data.toString(), "--port", String.valueOf(dicom), "--config", config.toString()));
        Path log = dir.resolve("node.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        AutoCloseable stop = () -> {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        };
        try {
            Ports.awaitPort(p, http, 180_000);
            Ports.awaitPort(p, dicom, 60_000);
        } catch (IOException e) {
            closeQuietly(stop);
            throw new IOException("our node did not start: " + e.getMessage() + "\n" + Files.readString(log), e);
        }
        return new DicomWebTarget("ours", "http://127.0.0.1:" + http + "/dicom-web", basic(USER, PASSWORD),
                "127.0.0.1", dicom, "PACS", stop);
    }

    /** A server already running (e.g. ./scripts/run's HTTP entry), loaded through the DICOM port given. */
    static DicomWebTarget url(String root, String user, String password, String dicomHost, int dicomPort, String aet) {
        return new DicomWebTarget("ours", root.replaceAll("/+$", ""), user == null ? null : basic(user, password),
                dicomHost, dicomPort, aet, () -> { });
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // stopping after a failure
        }
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
