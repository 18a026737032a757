package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * The cluster's replication end to end with DCMTK clients: nodes in this JVM (real Hazelcast membership, peer
 * transport over Jetty, H2 files). Copies land on the replica set, every node indexes every study, any node
 * serves any study, a node that was down catches up, and the same study sent to two nodes at once gives no
 * duplicate anywhere.
 */
@Timeout(300)
@ProcessTest
class ClusterReplicationTest {
    private static final Pattern UID = Pattern.compile("\\[([0-9.]+)\\]");

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.require();
    }

    @Test
    void copiesFollowPlacementAndEveryNodeIndexesAndServesEveryStudy() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 3, 2)) {
            List<Path> series = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                series.add(series(tmp.resolve("s" + s), 6, "P" + s));
            }
            // each series sent to a different node, so that some receivers are outside their study's replica set
            for (int s = 0; s < series.size(); s++) {
                store(cluster.dicomPort(s % 3), files(series.get(s)));
            }
            cluster.repairAll();
            for (int i = 0; i < 3; i++) {
                for (Path dir : series) {
                    assertEquals(6, awaitImages(cluster.dicomPort(i), dir, 6),
                            "C-FIND on " + cluster.name(i) + " lists every instance of " + dir.getFileName());
                }
            }
            // a receiver outside a study's replica set drops its copy once its index has the news of both replicas'
            // copies: news travels on its own, so a pass may come before it; another pass then removes the surplus
            long copies = 0;
            for (long end = System.nanoTime() + 60_000_000_000L; System.nanoTime() < end; cluster.repairAll()) {
                copies = cluster.files(0) + cluster.files(1) + cluster.files(2);
                if (copies <= 4 * 6 * 2) {
                    break;
                }
                Thread.sleep(500);
            }
            assertEquals(4 * 6 * 2, copies, "every instance on exactly replicationFactor nodes once surplus copies are gone");
            for (int i = 0; i < 3; i++) {
                Path out = Files.createDirectories(tmp.resolve("get" + i));
                for (Path dir : series) {
                    Dcmtk.Result r = Dcmtk.run(120, "getscu", "-aec", InProcessCluster.AET, "-od", out.toString(),
                            "127.0.0.1", Integer.toString(cluster.dicomPort(i)), "-k", "QueryRetrieveLevel=STUDY",
                            "-k", "StudyInstanceUID=" + studyUID(dir));
                    assertEquals(0, r.exitCode(), r.output());
                }
                assertEquals(24, files(out).size(), "C-GET on " + cluster.name(i) + " serves every study");
                Path original = files(series.get(1)).get(3);
                String sop = sopUID(original);
                Path received = files(out).stream().filter(f -> f.getFileName().toString().endsWith(sop)).findFirst()
                        .orElseThrow();
                assertEquals(Dcmtk.normalizedDump(original), Dcmtk.normalizedDump(received),
                        "what " + cluster.name(i) + " sends is what was stored");
            }
        }
    }

    @Test
    void peersTalkMutualTlsWhenConfigured() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2, true)) {
            Path dir = series(tmp.resolve("s"), 5, "TLS1");
            Dcmtk.Result r = store(cluster.dicomPort(0), files(dir));
            assertEquals(0, r.exitCode(), r.output());
            assertEquals(5, cluster.files(1), "the copies reached node2 over mutual TLS");
            assertEquals(5, awaitImages(cluster.dicomPort(1), dir, 5));
            // the peer transport refuses a client without a cluster certificate
            java.net.http.HttpClient anonymous = java.net.http.HttpClient.newBuilder().sslContext(trustAll()).build();
            java.net.URI uri = java.net.URI.create("https://127.0.0.1:" + cluster.node(1).peerPort() + "/peer/digests");
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> anonymous.send(
                    java.net.http.HttpRequest.newBuilder(uri).build(), java.net.http.HttpResponse.BodyHandlers.ofString()));
            // and the user port does not serve the peer endpoints at all
            java.net.URI user = java.net.URI.create("http://127.0.0.1:" + cluster.node(1).httpPort() + "/peer/digests");
            assertEquals(404, java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(user)
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    /** A client that trusts any server but has no certificate of its own. */
    private static javax.net.ssl.SSLContext trustAll() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    @Test
    void aNodeThatWasDownGetsItsCopiesWhenItReturns() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2)) {
            cluster.stop(1);
            Path dir = series(tmp.resolve("s"), 8, "DOWN1");
            Dcmtk.Result r = store(cluster.dicomPort(0), files(dir));
            assertEquals(0, r.exitCode(), "with its peer down the store still succeeds: " + r.output());
            assertEquals(8, cluster.files(0));
            assertEquals(0, cluster.files(1));

            cluster.start(1);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (cluster.files(1) < 8 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(8, cluster.files(1), "node2 made its copies without anyone sending again");
            assertEquals(8, awaitImages(cluster.dicomPort(1), dir, 8));
            assertEquals(cluster.digests(0), cluster.digests(1), "both nodes hold the same copies");
        }
    }

    @Test
    void theScrubReplacesADamagedCopyFromAnotherNode() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2)) {
            Path dir = series(tmp.resolve("s"), 4, "ROT1");
            assertEquals(0, store(cluster.dicomPort(0), files(dir)).exitCode());
            List<String> healthy = cluster.digests(1);
            Path victim = cluster.storedFiles(1).get(2);
            byte[] bytes = Files.readAllBytes(victim);
            bytes[bytes.length / 2] ^= 0x5a; // one flipped byte in the pixel data: only the checksum can tell
            Files.write(victim, bytes);

            int[] counts = cluster.node(1).replication().scrubNow();
            assertEquals(4, counts[0], "every copy of node2 read back");
            assertEquals(1, counts[1], "the damaged copy found");
            assertEquals(4, cluster.files(1), "a good copy made again");
            assertEquals(healthy, cluster.digests(1), "node2 holds the same objects as before the damage");
            assertEquals(cluster.digests(0), cluster.digests(1));
        }
    }

    /**
     * A node shutting down interrupts its scrub: the scrub stops and every copy stays as it was. (The file storage's
     * whole-object reads are not interruptible on JDK 17, so here the scrub stops at its rate-limiting sleep; a
     * storage whose reads are, FileChannel or later S3, has its cut-short read taken as a stop, not as damage.)
     */
    @Test
    void anInterruptedScrubStopsAndCondemnsNothing() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2)) {
            Path dir = series(tmp.resolve("s"), 4, "INTR1");
            assertEquals(0, store(cluster.dicomPort(0), files(dir)).exitCode());
            List<String> before = cluster.digests(1);
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread scrub = new Thread(() -> {
                Thread.currentThread().interrupt(); // as ClusterRepair.close's shutdownNow does to a scrub under way
                try {
                    outcome.set(cluster.node(1).replication().scrubNow());
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            scrub.start();
            scrub.join(30_000);
            assertTrue(outcome.get() instanceof InterruptedException, "the scrub stopped: " + outcome.get());
            assertEquals(4, cluster.files(1), "no copy removed");
            assertEquals(before, cluster.digests(1), "node2 holds exactly what it held");
        }
    }

    @Test
    void theSameStudySentToTwoNodesAtOnceGivesNoDuplicates() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 2, 2)) {
            Path dir = series(tmp.resolve("s"), 12, "TWICE1");
            List<Path> files = files(dir);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            try {
                List<Future<Dcmtk.Result>> runs = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    int node = k % 2;
                    List<Path> order = new ArrayList<>(files);
                    if (k >= 2) {
                        java.util.Collections.reverse(order);
                    }
                    runs.add(senders.submit((Callable<Dcmtk.Result>) () -> store(cluster.dicomPort(node), order)));
                }
                for (Future<Dcmtk.Result> f : runs) {
                    assertEquals(0, f.get().exitCode(), f.get().output());
                }
            } finally {
                senders.shutdownNow();
            }
            cluster.repairAll();
            for (int i = 0; i < 2; i++) {
                int port = cluster.dicomPort(i);
                assertEquals(1, count(findscu(port, "-P", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=TWICE1"),
                        "PatientID"), "one patient on " + cluster.name(i));
                assertEquals(1, count(findscu(port, "-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"),
                        "StudyInstanceUID"), "one study on " + cluster.name(i));
                assertEquals(1, count(findscu(port, "-S", "-k", "QueryRetrieveLevel=SERIES", "-k",
                        "StudyInstanceUID=" + studyUID(dir), "-k", "SeriesInstanceUID"), "SeriesInstanceUID"));
                assertEquals(12, awaitImages(port, dir, 12), "one instance per SOP Instance UID");
                assertEquals(12, cluster.files(i), "one copy per instance on " + cluster.name(i));
            }
            assertEquals(cluster.digests(0), cluster.digests(1));
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Path series(Path dir, int slices, String patientID) throws IOException {
        SyntheticCtSeries.standard().write(dir, slices, patientID, "CLUSTER^" + patientID);
        return dir;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static Dcmtk.Result store(int port, List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("storescu", "-aec", InProcessCluster.AET, "127.0.0.1",
                Integer.toString(port)));
        files.forEach(f -> cmd.add(f.toString()));
        return Dcmtk.run(180, cmd.toArray(String[]::new));
    }

    private static String findscu(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("findscu", "-aec", InProcessCluster.AET));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("127.0.0.1", Integer.toString(port)));
        Dcmtk.Result r = Dcmtk.run(60, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    /** Polls C-FIND at image level until {@code expected} instances are listed (announcements are asynchronous). */
    private static int awaitImages(int port, Path series, int expected) throws Exception {
        String study = studyUID(series);
        String seriesUID = attribute(files(series).get(0), "SeriesInstanceUID");
        long deadline = System.nanoTime() + 30_000_000_000L;
        int n;
        do {
            n = count(findscu(port, "-S", "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + study,
                    "-k", "SeriesInstanceUID=" + seriesUID, "-k", "SOPInstanceUID"), "SOPInstanceUID");
            if (n >= expected) {
                return n;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return n;
    }

    private static int count(String findscuOutput, String keyword) {
        return (int) findscuOutput.lines().filter(l -> l.contains(keyword) && l.contains("#")).count();
    }

    private static String studyUID(Path dir) throws Exception {
        return attribute(files(dir).get(0), "StudyInstanceUID");
    }

    private static String sopUID(Path file) throws Exception {
        return attribute(file, "SOPInstanceUID");
    }

    private static String attribute(Path file, String keyword) throws Exception {
        Dcmtk.Result r = Dcmtk.run(30, "dcmdump", "-q", "+P", keyword, file.toString());
        Matcher m = UID.matcher(r.output());
        assertTrue(m.find(), r.output());
        return m.group(1);
    }
}
