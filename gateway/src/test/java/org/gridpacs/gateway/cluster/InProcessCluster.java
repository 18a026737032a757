package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Properties;

import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.pki.KeyType;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.tls.ClusterCertificates;
import org.gridpacs.dicom.testutil.Ports;

/**
 * Test support: N archive nodes in this JVM forming a cluster over loopback (real Hazelcast, real Jetty, real H2
 * files, real DICOM sockets), on free ports; nodes can be stopped and started again on the same data.
 */
final class InProcessCluster implements AutoCloseable {
    static final String AET = "PACS";
    private static final char[] PASSWORD = "test-only".toCharArray();
    private final Path root;
    private final List<ClusterNode> members;
    private final int replicationFactor;
    private final ArchiveNode[] nodes;
    /** Folder of the cluster's certificates (mutual TLS between nodes), or null for plain HTTP. */
    private final Path tlsDir;
    /** How every node runs its dose service. */
    private final org.gridpacs.gateway.node.DoseSetup dose;
    /** Every node's grid tier (off unless a test gives one). */
    private org.gridpacs.grid.GridSettings grid = org.gridpacs.grid.GridSettings.OFF;

    private InProcessCluster(Path root, List<ClusterNode> members, int replicationFactor, Path tlsDir,
                             org.gridpacs.gateway.node.DoseSetup dose) {
        this.dose = dose;
        this.root = root;
        this.members = members;
        this.replicationFactor = replicationFactor;
        this.nodes = new ArchiveNode[members.size()];
        this.tlsDir = tlsDir;
    }

    static InProcessCluster start(Path root, int n, int replicationFactor) throws IOException {
        return start(root, n, replicationFactor, false);
    }

    /** With {@code tls}, a cluster CA and node certificates are made first and peers talk mutual TLS. */
    static InProcessCluster start(Path root, int n, int replicationFactor, boolean tls) throws IOException {
        return start(root, n, replicationFactor, tls, org.gridpacs.gateway.node.DoseSetup.defaults());
    }

    /** With every node's dose service set up as {@code dose} (a quick calculation, a short takeover). */
    static InProcessCluster start(Path root, int n, int replicationFactor, boolean tls,
                                  org.gridpacs.gateway.node.DoseSetup dose) throws IOException {
        // ports are found free, then bound a moment later: on a busy machine another process may take one between
        for (int attempt = 1; ; attempt++) {
            try {
                return tryStart(root.resolve("try" + attempt), n, replicationFactor, tls, dose);
            } catch (IOException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("in use") && !bindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    /** With every node on the grid {@code grid} (the same storage, key ring and off-site copy on all). */
    static InProcessCluster startWithGrid(Path root, int n, int replicationFactor,
                                          org.gridpacs.grid.GridSettings grid) throws IOException {
        InProcessCluster c = new InProcessCluster(root, members(n), replicationFactor, null,
                org.gridpacs.gateway.node.DoseSetup.defaults());
        c.grid = grid;
        try {
            for (int i = 0; i < n; i++) {
                c.start(i);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Whether a port was taken (Jetty wraps the BindException once or twice). */
    private static boolean bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    private static InProcessCluster tryStart(Path root, int n, int replicationFactor, boolean tls,
                                             org.gridpacs.gateway.node.DoseSetup dose) throws IOException {
        List<ClusterNode> members = members(n);
        Path tlsDir = null;
        if (tls) {
            tlsDir = root.resolve("tls");
            java.util.Map<String, String> hosts = new java.util.LinkedHashMap<>();
            members.forEach(m -> hosts.put(m.name(), m.host()));
            try {
                new ClusterCertificates(tlsDir, PASSWORD, 30, KeyType.EC).write(hosts);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        }
        InProcessCluster c = new InProcessCluster(root, members, replicationFactor, tlsDir, dose);
        try {
            for (int i = 0; i < n; i++) {
                c.start(i);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    void start(int i) throws IOException {
        ClusterNode self = members.get(i);
        Properties p = new Properties();
        p.setProperty("dicom.aeTitle", AET);
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.artimTimeout", "10");
        p.setProperty("storage.fsync", "false");
        NodeConfig cfg = NodeConfig.from(p, root.resolve(self.name())).asClusterNode(self);
        ClusterConfig.Tls tls = tlsDir == null ? null : new ClusterConfig.Tls(
                tlsDir.resolve(ClusterCertificates.keyStoreName(self.name())), PASSWORD,
                tlsDir.resolve(ClusterCertificates.TRUST_STORE), PASSWORD);
        ClusterConfig cluster = new ClusterConfig(self.name(), members, replicationFactor,
                Math.min(2, replicationFactor), 3600, 1000, tls);
        nodes[i] = ArchiveNode.start(cfg, cluster, org.gridpacs.gateway.node.ClusterStorages.defaults(cluster), dose,
                grid);
    }

    /** The grid settings of the nodes started from now on (a restarted node with another tier policy). */
    void grid(org.gridpacs.grid.GridSettings grid) {
        this.grid = grid;
    }

    void stop(int i) {
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    ArchiveNode node(int i) {
        return nodes[i];
    }

    int size() {
        return nodes.length;
    }

    int dicomPort(int i) {
        return members.get(i).dicomPort();
    }

    String name(int i) {
        return members.get(i).name();
    }

    /** How many stored files (copies) node {@code i} holds. */
    long files(int i) throws IOException {
        return storedFiles(i).size();
    }

    /** The stored files (copies) node {@code i} holds, in path order. */
    List<Path> storedFiles(int i) throws IOException {
        Path storage = root.resolve(members.get(i).name()).resolve("storage");
        return org.gridpacs.dicom.testutil.FileTrees.visibleFiles(storage);
    }

    /** Node {@code i}'s digest lines for its own copies: "study copies digest". */
    List<String> digests(int i) throws IOException, InterruptedException {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + members.get(i).peerPort() + "/peer/digests")).build(),
                HttpResponse.BodyHandlers.ofString());
        return rsp.body().lines().filter(l -> !l.isBlank()).toList();
    }

    /** Runs a repair pass on every running node, in order (surplus copies are removed by the second round). */
    void repairAll() {
        for (int round = 0; round < 2; round++) {
            for (ArchiveNode n : nodes) {
                if (n != null) {
                    n.replication().repairNow();
                }
            }
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            stop(i);
        }
    }

    /** node1..nodeN on 127.0.0.1; membership ports from 6000-6099 (not shared with the membership tests). */
    private static List<ClusterNode> members(int n) throws IOException {
        List<ClusterNode> out = new ArrayList<>();
        // all different: none is bound before the nodes start, and the kernel may hand one out twice meanwhile
        Set<Integer> taken = new java.util.HashSet<>();
        for (int port : Ports.freePortsInRange(6000, 100, n)) {
            out.add(new ClusterNode("node" + (out.size() + 1), "127.0.0.1", Ports.freePort(taken, Set.of()),
                    Ports.freePort(taken, Set.of()), port, Ports.freePort(taken, Set.of())));
        }
        return out;
    }
}
