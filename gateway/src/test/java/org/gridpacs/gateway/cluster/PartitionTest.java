package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.cluster.ClusterInspector.Copy;
import org.gridpacs.gateway.cluster.ClusterProcesses.Node;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real network split: three node JVMs (replication factor 2, write quorum 2), each in its own network namespace
 * ({@link NetworkNamespaces}). Node1 is cut off from node2 and node3; DCMTK storescu, run inside each half's
 * namespace, stores a study into each half, and the same SOP Instance UID with different content into both (first
 * into node1, then into node2). The network heals. Then: every instance storescu had acknowledged is on two
 * nodes; the duplicate UID is detected on every node with the same winner (the object received first: policy
 * REJECT), the losing object's copies are kept on disk but no longer served, each node's {@code /api/nodes}
 * counts one open conflict, and a C-GET of that UID from every node gives the winner.
 *
 * <p>The store into the lone node1 succeeds: in its view it is the only live node, and the write quorum is
 * capped at the live nodes (docs/cluster.md, "Partitions and conflicts").
 */
@Timeout(600)
@ProcessTest
class PartitionTest {
    private static final Pattern UID = Pattern.compile("\\[([0-9.]+)\\]");
    private static final Pattern CONFLICT_LOG = Pattern.compile(
            "Duplicate SOP Instance UID ([0-9.]+) .*? keeps checksum (\\S+) .*? sets aside checksum (\\S+) ");

    @TempDir
    Path tmp;

    @Test
    void bothHalvesStoreAndAfterHealingEveryNodeKeepsTheSameObject() throws Exception {
        Dcmtk.require();
        assumeTrue(NetworkNamespaces.available(), "ip netns is not possible here (it needs root)");
        Path minority = series(tmp.resolve("a"), 5, "PARTA");
        Path majority = series(tmp.resolve("b"), 5, "PARTB");
        Path first = files(minority).get(0);
        String conflictUID = attribute(first, "SOPInstanceUID");
        // the same SOP Instance UID (same study and series) with other content, for the other half
        Path second = Files.createDirectories(tmp.resolve("other")).resolve("x.dcm");
        Files.copy(first, second, StandardCopyOption.REPLACE_EXISTING);
        Dcmtk.Result mod = Dcmtk.run(30, "dcmodify", "-nb", "-m", "(0010,0010)=OTHER^OBJECT", second.toString());
        assertEquals(0, mod.exitCode(), mod.output());

        try (NetworkNamespaces net = NetworkNamespaces.create(3);
             ClusterProcesses cluster = ClusterProcesses.builder(tmp.resolve("c")).nodes(3).replicationFactor(2)
                     .writeQuorum(2).haproxy(false).placement(net::placement)
                     .clusterSetting("cluster.repair.intervalSeconds = 2").start()) {
            Node n1 = cluster.node("node1");
            Node n2 = cluster.node("node2");
            Node n3 = cluster.node("node3");

            net.cut(1);
            awaitState(n1, "node2", "down");
            awaitState(n1, "node3", "down");
            awaitState(n2, "node1", "down");
            awaitState(n3, "node1", "down");

            // node1 alone: its write quorum is min(2, 1 live node) = 1, so the store is acknowledged
            Map<String, Path> acknowledged = new LinkedHashMap<>(storescu(net, 1, n1, files(minority)));
            assertEquals(5, acknowledged.size(), "node1 alone acknowledges every instance");
            Thread.sleep(1000); // the two objects under one UID are received a clear second apart
            List<Path> toMajority = new ArrayList<>(files(majority));
            toMajority.add(second);
            Map<String, Path> majorityAcks = storescu(net, 2, n2, toMajority);
            assertEquals(6, majorityAcks.size(), "node2 with node3 acknowledges every instance");
            majorityAcks.forEach((sop, file) -> {
                if (!sop.equals(conflictUID)) {
                    acknowledged.put(sop, file);
                }
            });

            net.mend(1);
            for (Node n : List.of(n1, n2, n3)) {
                for (String other : List.of("node1", "node2", "node3")) {
                    awaitState(n, other, "up");
                }
            }

            // every acknowledged instance on replicationFactor nodes; the conflict's winner (received first) too
            ClusterInspector inspector = new ClusterInspector();
            Map<String, List<String>> winnerDump = Map.of(conflictUID, Dcmtk.normalizedDump(first));
            List<String> loserDump = Dcmtk.normalizedDump(second);
            String missing = await(180, () -> {
                try {
                    Map<String, Set<String>> holders = holders(inspector, cluster, acknowledged.keySet(), winnerDump);
                    List<String> wrong = new ArrayList<>();
                    acknowledged.keySet().forEach(sop -> {
                        if (holders.getOrDefault(sop, Set.of()).size() != 2) {
                            wrong.add(sop + " on " + holders.getOrDefault(sop, Set.of()));
                        }
                    });
                    for (Node n : cluster.nodes()) {
                        if (!"1".equals(conflicts(n))) {
                            wrong.add(n.name() + " counts " + conflicts(n) + " open conflicts");
                        }
                    }
                    return wrong.isEmpty() ? null : String.join("; ", wrong);
                } catch (IOException | InterruptedException e) {
                    return e.toString();
                }
            });
            assertEquals(null, missing, "after healing: each acknowledged instance on 2 nodes, one conflict per node");

            // the same winner and loser on every node, reported once each
            Set<String> decisions = new TreeSet<>();
            for (Node n : cluster.nodes()) {
                Matcher m = CONFLICT_LOG.matcher(Files.readString(n.log()));
                int reports = 0;
                while (m.find()) {
                    assertEquals(conflictUID, m.group(1));
                    decisions.add(m.group(2) + " over " + m.group(3));
                    reports++;
                }
                assertEquals(1, reports, n.name() + " reports the conflict once:\n" + n.logTail(30));
            }
            assertEquals(1, decisions.size(), "one decision on every node: " + decisions);

            // each node lists it for the administrator; node2 and node3 name the copy they kept aside
            for (Node n : cluster.nodes()) {
                String body = n.httpGet("/api/conflicts", null);
                assertTrue(body != null && body.contains("\"sopInstanceUID\":\"" + conflictUID + "\""), body);
                assertEquals(!n.name().equals("node1"), Pattern.compile("\"keptAsideKey\":\"[^\"]+\"").matcher(body)
                        .find(), n.name() + ": " + body);
            }

            // the losing object is kept on disk (never dropped) on the nodes that held it: node2 and node3
            Set<String> loserHolders = new TreeSet<>();
            for (Node n : cluster.nodes()) {
                for (Copy c : inspector.copies(n.dataDir()).getOrDefault(conflictUID, List.of())) {
                    if (Dcmtk.normalizedDump(c.file()).equals(loserDump)) {
                        loserHolders.add(n.name());
                    }
                }
            }
            assertEquals(Set.of("node2", "node3"), loserHolders, "the losing copies are kept aside");

            // closed by the administrator: no longer counted there, the file stays
            Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(n2.httpGet("/api/conflicts", null));
            assertTrue(id.find());
            assertEquals("200", n2.httpRequest("POST", "/api/conflicts/" + id.group(1) + "/close", "%{http_code}"));
            assertEquals("0", conflicts(n2));
            assertEquals("1", conflicts(n3));

            // a retrieve of that UID from every node gives the winner
            for (Node n : cluster.nodes()) {
                Path out = Files.createDirectories(tmp.resolve("get-" + n.name()));
                List<String> cmd = new ArrayList<>(net.exec(Integer.parseInt(n.name().substring(4))));
                cmd.addAll(List.of("getscu", "-aet", "PARTGET", "-aec", ClusterProcesses.AET, "-od", out.toString(),
                        "127.0.0.1", Integer.toString(n.dicomPort()), "-k", "QueryRetrieveLevel=IMAGE",
                        "-k", "StudyInstanceUID=" + attribute(first, "StudyInstanceUID"),
                        "-k", "SeriesInstanceUID=" + attribute(first, "SeriesInstanceUID"),
                        "-k", "SOPInstanceUID=" + conflictUID));
                Dcmtk.Result r = Dcmtk.run(120, cmd.toArray(String[]::new));
                assertEquals(0, r.exitCode(), r.output());
                List<Path> got = files(out);
                assertEquals(1, got.size(), n.name() + " sends one object:\n" + r.output());
                assertEquals(winnerDump.get(conflictUID), Dcmtk.normalizedDump(got.get(0)),
                        n.name() + " sends the winner");
            }
        }
    }

    /**
     * Per acknowledged SOP Instance UID, the nodes holding its object: the file sent, or for the conflict's UID the
     * winner ({@code expected}); a kept-aside loser does not count.
     */
    private static Map<String, Set<String>> holders(ClusterInspector inspector, ClusterProcesses cluster,
                                                    Set<String> sops, Map<String, List<String>> expected)
            throws IOException, InterruptedException {
        Map<String, Set<String>> out = new HashMap<>();
        for (Node n : cluster.nodes()) {
            Map<String, List<Copy>> copies = inspector.copies(n.dataDir());
            for (String sop : sops) {
                for (Copy c : copies.getOrDefault(sop, List.of())) {
                    List<String> want = expected.get(sop);
                    if (want == null || want.equals(Dcmtk.normalizedDump(c.file()))) {
                        out.computeIfAbsent(sop, k -> new TreeSet<>()).add(n.name());
                    }
                }
            }
        }
        return out;
    }

    /** storescu inside node {@code i}'s namespace to its DICOM port: the instances it acknowledged, by UID. */
    private static Map<String, Path> storescu(NetworkNamespaces net, int i, Node node, List<Path> files)
            throws Exception {
        List<String> cmd = new ArrayList<>(net.exec(i));
        cmd.addAll(List.of("storescu", "-v", "-aet", "PARTSTORE", "-aec", ClusterProcesses.AET, "127.0.0.1",
                Integer.toString(node.dicomPort())));
        files.forEach(f -> cmd.add(f.toString()));
        Dcmtk.Result r = Dcmtk.run(180, cmd.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        // storescu -v prints one "Received Store Response (Success)" per acknowledged instance, in order
        List<String> statuses = r.output().lines().filter(l -> l.contains("Received Store Response")).toList();
        assertEquals(files.size(), statuses.size(), r.output());
        Map<String, Path> acked = new LinkedHashMap<>();
        for (int k = 0; k < files.size(); k++) {
            if (statuses.get(k).contains("(Success)")) {
                acked.put(attribute(files.get(k), "SOPInstanceUID"), files.get(k));
            }
        }
        return acked;
    }

    /** Waits until {@code node}'s /api/nodes says {@code other} is in {@code state}. */
    private static void awaitState(Node node, String other, String state) throws InterruptedException {
        Pattern p = Pattern.compile("\"name\":\"" + other + "\",[^}]*\"state\":\"" + state + "\"");
        String failure = await(60, () -> {
            String body = node.httpGet("/api/nodes", null);
            return body != null && p.matcher(body).find() ? null : node.name() + " sees: " + body;
        });
        assertEquals(null, failure, node.name() + " never saw " + other + " " + state);
    }

    /** The open conflicts {@code node} counts (its own entry in /api/nodes), as text. */
    private static String conflicts(Node node) {
        String body = node.httpGet("/api/nodes", null);
        Matcher m = body == null ? null : Pattern.compile("\"self\":true,\"conflicts\":(\\w+)").matcher(body);
        return m != null && m.find() ? m.group(1) : "(no answer: " + body + ")";
    }

    /** Polls until {@code check} answers null (done); returns its last answer otherwise. */
    private static String await(int seconds, Supplier<String> check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last;
        while ((last = check.get()) != null && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        return last;
    }

    private static Path series(Path dir, int slices, String patientID) throws IOException {
        SyntheticCtSeries.standard().write(dir, slices, patientID, "PARTITION^" + patientID);
        return dir;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String attribute(Path file, String keyword) throws Exception {
        Dcmtk.Result r = Dcmtk.run(30, "dcmdump", "-q", "+P", keyword, file.toString());
        Matcher m = UID.matcher(r.output());
        assertTrue(m.find(), r.output());
        return m.group(1);
    }
}
