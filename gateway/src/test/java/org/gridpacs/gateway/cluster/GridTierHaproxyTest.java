package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.node.IndexStorageCheck;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid tier on the real cluster (two node processes, replication factor 2) behind HAProxy, with the s3proxy
 * grid store scripts/run starts, one cluster start for everything (issue 14, Done when):
 * <ol>
 * <li>a 300-slice CT stored through HAProxy with DCMTK storescu is migrated by {@code scripts/pacs grid migrate}
 * through HAProxy's HTTP entry: no local file is left on either node, the bucket holds one ciphertext object per
 * instance (no DICM magic, no patient name or ID), and DCMTK getscu and movescu through HAProxy's DICOM entry bring
 * every instance back equal element by element;</li>
 * <li>a second 300-slice CT: node1 is killed (kill -9) while its migration has uploaded part of the study; after a
 * restart the CLI runs the migration again and it finishes: every instance comes back element by element, and
 * every node's index names exactly one grid copy per instance, the same on both, each in the bucket; the uploads
 * in flight at the kill, objects no index names, are removed by {@code scripts/pacs grid verify --sweep} (orphan
 * grace 0 here): the bucket then holds exactly the objects the indexes name;</li>
 * <li>the grid stopped: a C-GET of a grid-only study through HAProxy fails (0xA702) with an Error Comment naming
 * the grid.</li>
 * </ol>
 * Off-site copy is off here so that the migration makes the grid copies itself (the bucket's object count then
 * shows how far it got). Slices are 256 x 256, 16 bits (128 KiB), to keep the wall time near two minutes on two
 * shared cores; the 512 x 512 size changes nothing the test checks but the time.
 */
@ProcessTest
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class GridTierHaproxyTest {
    private static final int SLICES = 300;
    private static final int SIZE = 256;
    private static final String NAME_1 = "GRIDTIER^HAPROXY";
    private static final String NAME_2 = "GRIDTIER^KILLED";
    private static final Pattern JOB_ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void tieredThroughHaproxyRetrievedByDcmtkAndSurvivesANodeKilledMidMigration() throws Exception {
        Dcmtk.require();
        SyntheticCtSeries ct = new SyntheticCtSeries(SIZE, SIZE, 1.953125, 3.0);
        Path dir1 = tmp.resolve("ct1");
        Path dir2 = tmp.resolve("ct2");
        String study1 = ct.write(dir1, SLICES, "GRIDHA1", NAME_1);
        String study2 = ct.write(dir2, SLICES, "GRIDHA2", NAME_2);
        Map<String, Path> sent1 = Instances.bySopInstanceUID(dir1);
        Map<String, Path> sent2 = Instances.bySopInstanceUID(dir2);
        Path password = Files.writeString(tmp.resolve("http-password"), ClusterProcesses.HTTP_PASSWORD + "\n");
        ClusterInspector inspector = new ClusterInspector();

        try (Peers.Peer storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP");
             ClusterProcesses cluster = ClusterProcesses.builder(tmp.resolve("c")).nodes(2).replicationFactor(2)
                     .nodeSetting("ae.STORESCP = " + Peers.HOST + ":" + storescp.port())
                     .grid("grid.offsite.enabled = false", "grid.tier.orphan-grace-minutes = 0").start()) {
            String entryHttp = "http://" + ClusterProcesses.HOST + ":" + cluster.httpEntryPort();

            // 1. store through HAProxy, migrate with the CLI through HAProxy's HTTP entry
            long t0 = System.nanoTime();
            store(cluster, dir1);
            store(cluster, dir2);
            long stored = System.nanoTime();
            Cli migrated = pacs(cluster, "grid", "migrate", "--study", study1, "--server", entryHttp,
                    "--user", ClusterProcesses.HTTP_USER, "--password-file", password.toString());
            assertEquals(0, migrated.exitCode(), migrated.toString());
            long tiered = System.nanoTime();
            await("no local copy of study 1 on any node", 30, () -> localCopies(cluster, inspector, sent1.keySet()) == 0);
            assertEquals(SLICES, objects(cluster).size(), "one grid object per instance");
            for (Path o : objects(cluster).values()) {
                assertCiphertext(o, NAME_1, "GRIDHA1");
            }
            long r0 = System.nanoTime();
            getAndCompare(cluster, study1, sent1, tmp.resolve("got1"));
            long r1 = System.nanoTime();
            moveAndCompare(cluster, storescp, study1, sent1);
            long r2 = System.nanoTime();
            System.out.printf("grid tier through HAProxy: %d slices of %dx%d stored twice in %.1f s, migrated in %.1f s,"
                            + " getscu %.1f s, movescu %.1f s%n", SLICES, SIZE, SIZE, (stored - t0) / 1e9 / 2,
                    (tiered - stored) / 1e9, (r1 - r0) / 1e9, (r2 - r1) / 1e9);

            // 2. node1 killed while its migration of study 2 has uploaded part of the study
            ClusterProcesses.Node node1 = cluster.node("node1");
            long job = startMigration(node1, study2);
            int before = objects(cluster).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int uploaded;
            while ((uploaded = objects(cluster).size() - before) < SLICES / 5) {
                assertTrue(System.nanoTime() < deadline, "the migration uploads nothing: " + node1.logTail(30));
                Thread.sleep(20);
            }
            cluster.kill("node1");
            int atKill = objects(cluster).size() - before;
            System.out.printf("node1 killed with %d of %d objects of study 2 uploaded (%d when seen; job %d)%n",
                    atKill, SLICES, uploaded, job);
            assertTrue(atKill < SLICES, "killed before the migration uploaded the whole study: " + atKill);
            cluster.restart("node1");
            cluster.awaitHaproxyStatus("node1", s -> s.startsWith("UP"), java.time.Duration.ofSeconds(30));
            Cli again = pacs(cluster, "grid", "migrate", "--study", study2, "--server", entryHttp,
                    "--user", ClusterProcesses.HTTP_USER, "--password-file", password.toString());
            for (int i = 0; i < 3 && again.exitCode() != 0 && again.toString().contains("is not known here yet"); i++) {
                // the re-run landed on node2, whose new grid copies' news had not reached node1 when it asked node1
                // to release: node1 kept its copies (the safe answer); an administrator runs the command again
                Thread.sleep(2000);
                again = pacs(cluster, "grid", "migrate", "--study", study2, "--server", entryHttp,
                        "--user", ClusterProcesses.HTTP_USER, "--password-file", password.toString());
            }
            assertEquals(0, again.exitCode(), again.toString());
            await("no local copy of study 2 on any node", 30, () -> localCopies(cluster, inspector, sent2.keySet()) == 0);
            getAndCompare(cluster, study2, sent2, tmp.resolve("got2"));
            moveAndCompare(cluster, storescp, study2, sent2);
            // the uploads in flight at the kill are orphans: the sweep (grace 0 here) removes them
            int withOrphans = objects(cluster).size();
            Cli swept = pacs(cluster, "grid", "verify", "--sweep", "--server", entryHttp,
                    "--user", ClusterProcesses.HTTP_USER, "--password-file", password.toString());
            assertEquals(0, swept.exitCode(), swept.toString());
            Matcher removed = Pattern.compile("(\\d+) orphan objects of (\\d+) .*, (\\d+) removed")
                    .matcher(swept.output());
            assertTrue(removed.find(), swept.toString());
            System.out.printf("pacs grid verify --sweep: %s orphans of %s objects removed (%d objects before)%n",
                    removed.group(3), removed.group(2), withOrphans);
            assertEquals(removed.group(1), removed.group(3), swept.toString());
            assertEquals(withOrphans - Integer.parseInt(removed.group(3)), objects(cluster).size());

            // 3. the grid down: a retrieve of a grid-only study fails, and says the grid is why
            cluster.gridServer().stop();
            DimseResponse failed = getWithToolkit(cluster, study1);
            assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, failed.status(), failed.toString());
            assertEquals(SLICES, failed.failed(), failed.toString());
            String comment = String.valueOf(failed.errorComment());
            assertTrue(comment.toLowerCase(java.util.Locale.ROOT).contains("grid storage unreadable: " + SLICES + " of " + SLICES),
                    "the Error Comment names the grid: " + comment);

            // every node's index: one grid copy per instance, each an object of the bucket
            Map<String, Path> bucket = objects(cluster);
            Set<String> namedByAll = null;
            Set<String> all = new HashSet<>(sent1.keySet());
            all.addAll(sent2.keySet());
            for (ClusterProcesses.Node n : cluster.nodes()) {
                cluster.stop(n.name());
                IndexStorageCheck.Result r = IndexStorageCheck.check(n.dataDir(), n.name());
                Map<String, List<String>> grid = r.locationsOf("grid").stream().collect(Collectors.groupingBy(
                        IndexStorageCheck.Location::sopInstanceUID,
                        Collectors.mapping(IndexStorageCheck.Location::storageKey, Collectors.toList())));
                assertEquals(all, grid.keySet(), n.name() + ": a grid copy of every instance");
                List<String> duplicated = grid.entrySet().stream().filter(e -> e.getValue().size() != 1)
                        .map(e -> e.getKey() + " " + e.getValue()).toList();
                assertEquals(List.of(), duplicated, n.name() + ": one grid location row per instance");
                Set<String> named = grid.values().stream().flatMap(List::stream).collect(Collectors.toSet());
                assertEquals(Set.of(), named.stream().filter(k -> !bucket.containsKey(k)).collect(Collectors.toSet()),
                        n.name() + ": every grid copy the index names is in the bucket");
                if (namedByAll != null) {
                    assertEquals(namedByAll, named, n.name() + " names the same grid objects as the other node");
                }
                namedByAll = named;
                assertEquals(Set.of(), r.soundCopies().stream().filter(all::contains).collect(Collectors.toSet()),
                        n.name() + ": no local copy left");
                assertEquals(List.of(), r.unnamedFiles(), n.name() + ": no local file the index does not name");
                assertEquals(List.of(), r.problems(), n.name());
            }
            // the sweep after the kill left no object the indexes do not name
            Set<String> named = namedByAll;
            List<String> orphans = bucket.keySet().stream().filter(k -> !named.contains(k)).sorted().toList();
            System.out.printf("bucket: %d objects for %d instances, %d orphans after the sweep%n", bucket.size(),
                    all.size(), orphans.size());
            assertEquals(List.of(), orphans, "objects in the bucket no index names after pacs grid verify --sweep");
            assertEquals(all.size(), bucket.size());
        }
    }

    // ------------------------------------------------------------------ DICOM

    private static void store(ClusterProcesses cluster, Path dir) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        DcmtkClients.StoreRun run = DcmtkClients.storescu("STORESCU", ClusterProcesses.AET, ClusterProcesses.HOST,
                cluster.entryPort(), files, 300);
        assertTrue(run.ok() && run.acknowledged().size() == files.size(), "storescu: " + run.complaint()
                + ", " + run.acknowledged().size() + " of " + files.size() + " acknowledged, refused " + run.refused());
    }

    /** DCMTK getscu of the study through HAProxy's DICOM entry: every instance, equal to what was sent. */
    private static void getAndCompare(ClusterProcesses cluster, String study, Map<String, Path> sent, Path into)
            throws Exception {
        Files.createDirectories(into);
        Dcmtk.Result r = Dcmtk.run(180, "getscu", "-v", "-S", "-aet", "GETSCU", "-aec", ClusterProcesses.AET,
                "-od", into.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                ClusterProcesses.HOST, String.valueOf(cluster.entryPort()));
        assertEquals(0, r.exitCode(), "getscu: " + DcmtkClients.complaints(r.output()));
        compare(sent, Instances.bySopInstanceUID(into), "getscu");
    }

    /** DCMTK movescu of the study through HAProxy's DICOM entry to a DCMTK storescp. */
    private static void moveAndCompare(ClusterProcesses cluster, Peers.Peer storescp, String study,
                                       Map<String, Path> sent) throws Exception {
        try (Stream<Path> s = Files.list(storescp.files())) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Dcmtk.Result r = Dcmtk.run(180, "movescu", "-v", "-S", "-aet", "MOVESCU", "-aec", ClusterProcesses.AET,
                "-aem", "STORESCP", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
                ClusterProcesses.HOST, String.valueOf(cluster.entryPort()));
        assertEquals(0, r.exitCode(), "movescu: " + DcmtkClients.complaints(r.output()));
        assertFalse(r.output().contains("Failed"), "movescu: " + DcmtkClients.complaints(r.output()));
        compare(sent, Instances.bySopInstanceUID(storescp.files()), "movescu");
    }

    private static void compare(Map<String, Path> sent, Map<String, Path> got, String how) throws IOException {
        assertEquals(sent.keySet(), got.keySet(), how + ": every instance, once");
        for (Map.Entry<String, Path> e : sent.entrySet()) {
            Instances.assertSameInstance(e.getValue(), got.get(e.getKey()), true, Instances::normalizeLikeDcmtkStoring);
        }
    }

    /** A C-GET with our toolkit (to read the final response's Error Comment) through HAProxy. */
    private static DimseResponse getWithToolkit(ClusterProcesses cluster, String study) throws Exception {
        AAssociateRQ rq = new AAssociateRQ("GETSCU", ClusterProcesses.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        Services services = new Services().store((request, data) -> Status.SUCCESS);
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect(ClusterProcesses.HOST, cluster.entryPort(),
                rq, services)) {
            DataSet keys = new DataSet();
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            keys.setString(Tag.StudyInstanceUID, VR.UI, study);
            DimseResponse last = as.get(UID.StudyRootQueryRetrieveInformationModelGet, keys, rsp -> { });
            as.release();
            return last;
        }
    }

    // ------------------------------------------------------------------ the grid and the nodes

    /** The bucket's objects, by their key under the location's prefix (what the index's rows name). */
    private static Map<String, Path> objects(ClusterProcesses cluster) throws IOException {
        Path prefix = cluster.gridServer().bucketsFolder().resolve("gridpacs").resolve("archive");
        Map<String, Path> found = new HashMap<>();
        if (!Files.isDirectory(prefix)) {
            return found;
        }
        try (Stream<Path> s = Files.walk(prefix)) {
            s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".enc"))
                    .forEach(f -> found.put(prefix.relativize(f).toString().replace('\\', '/'), f));
        } catch (java.io.UncheckedIOException e) {
            return objects(cluster); // a file renamed under the walk
        }
        return found;
    }

    private static void assertCiphertext(Path object, String... secrets) throws IOException {
        byte[] b = Files.readAllBytes(object);
        String text = new String(b, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("DICM"), object + " holds DICM");
        for (String s : secrets) {
            assertFalse(text.contains(s), object + " holds " + s);
        }
    }

    private static int localCopies(ClusterProcesses cluster, ClusterInspector inspector, Set<String> uids)
            throws IOException {
        int n = 0;
        for (ClusterProcesses.Node node : cluster.nodes()) {
            n += (int) inspector.copies(node.dataDir()).keySet().stream().filter(uids::contains).count();
        }
        return n;
    }

    /** POST /api/grid/migrate on one node: the job's id. */
    private static long startMigration(ClusterProcesses.Node node, String study) throws Exception {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                        + ClusterProcesses.HOST + ":" + node.httpPort() + "/api/grid/migrate?study=" + study))
                .header("Authorization", ClusterProcesses.httpAuthorization())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, rsp.statusCode(), rsp.body());
        Matcher m = JOB_ID.matcher(rsp.body());
        assertTrue(m.find(), rsp.body());
        return Long.parseLong(m.group(1));
    }

    private record Cli(int exitCode, String output) {
    }

    /** scripts/pacs with these arguments (the real CLI, its own JVM). */
    private static Cli pacs(ClusterProcesses cluster, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ClusterProcesses.LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(cluster.dir(), "pacs-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pacs " + String.join(" ", args) + " still runs after 180 s:\n"
                    + Files.readString(log));
        }
        return new Cli(p.exitValue(), Files.readString(log));
    }

    private static void await(String what, int seconds, BooleanSupplierWithIO condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    private interface BooleanSupplierWithIO {
        boolean getAsBoolean() throws Exception;
    }
}
