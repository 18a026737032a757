package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.gateway.node.ClusterConfigFile;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.tls.PeerTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pacs cluster-certs}: the files it writes, re-running it for an added node, and what conf/ expects. */
class ClusterCertsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheCaAndNodeKeyStoresThenAddsANode() throws Exception {
        Path out = tmp.resolve("conf").resolve("cluster-tls");
        Cli.Result first = Cli.pacs("cluster-certs", "--out", out.toString(), "--nodes", "node1,node2", "--days", "30");
        assertEquals(0, first.exitCode(), first.toString());
        for (String f : List.of("cluster-ca-key.p12", "cluster-ca.p12", "node1.p12", "node2.p12")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertTrue(first.out().contains("Wrote " + out.resolve("cluster-ca-key.p12") + ": the cluster CA"), first.out());
        assertTrue(first.out().contains("Wrote " + out.resolve("node1.p12") + ": node1, 127.0.0.1, valid until"), first.out());
        byte[] node1 = Files.readAllBytes(out.resolve("node1.p12"));

        Cli.Result second = Cli.pacs("cluster-certs", "--out", out.toString(), "--nodes", "node1,node2,node3=127.0.0.3");
        assertEquals(0, second.exitCode(), second.toString());
        assertTrue(second.out().contains("Using " + out.resolve("cluster-ca-key.p12")), second.out());
        assertTrue(second.out().contains("Kept  " + out.resolve("node1.p12") + ": node1"), second.out());
        assertTrue(second.out().contains("Wrote " + out.resolve("node3.p12") + ": node3, 127.0.0.3"), second.out());
        assertArrayEquals(node1, Files.readAllBytes(out.resolve("node1.p12")));

        // the defaults of conf/cluster.properties find these files, and the new node's files load
        Properties p = new Properties();
        try (var in = Files.newInputStream(Path.of("..", "conf", "cluster.properties"))) {
            p.load(in);
        }
        p.setProperty("cluster.tls.enabled", "true");
        p.setProperty("cluster.members", "node1,node2,node3");
        try (var w = Files.newBufferedWriter(tmp.resolve("conf").resolve("cluster.properties"))) {
            p.store(w, null);
        }
        ClusterConfig cfg = ClusterConfigFile.load(tmp.resolve("conf").resolve("cluster.properties"), "node3", null);
        assertEquals(out.resolve("node3.p12"), cfg.tls().keyStore());
        PeerTls.load(cfg.tls());
    }

    @Test
    void revokesANodeIntoTheCrlTheNodesRead() throws Exception {
        Path out = tmp.resolve("conf").resolve("cluster-tls");
        assertEquals(0, Cli.pacs("cluster-certs", "--out", out.toString(), "--nodes", "node1,node2").exitCode());
        Cli.Result r = Cli.pacs("cluster-certs", "--out", out.toString(), "--revoke", "node2");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Revoked node2 (certificate serial "), r.out());
        assertTrue(r.out().contains(out.resolve("crl.pem") + " lists 1 revoked certificate(s)"), r.out());
        Cli.Result again = Cli.pacs("cluster-certs", "--out", out.toString(), "--revoke", "node2");
        assertTrue(again.out().contains("Already revoked: node2"), again.out());

        // what conf/cluster.properties reads by default: the list beside the trust store
        Files.writeString(tmp.resolve("conf").resolve("cluster.properties"), "cluster.members = node1,node2\n"
                + "cluster.node.node1 = 127.0.0.1 11121 8081 5701\ncluster.node.node2 = 127.0.0.1 11122 8082 5702\n");
        ClusterConfig node2 = ClusterConfigFile.load(tmp.resolve("conf").resolve("cluster.properties"), "node2", null);
        assertEquals(out.resolve("crl.pem"), node2.tls().crl());
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> PeerTls.load(node2.tls()));
        assertTrue(e.getMessage().contains("revoked"), "a revoked node's peer transport does not start: " + e);
        PeerTls.load(ClusterConfigFile.load(tmp.resolve("conf").resolve("cluster.properties"), "node1", null).tls());

        Cli.Result unknown = Cli.pacs("cluster-certs", "--out", out.toString(), "--revoke", "node9");
        assertTrue(unknown.exitCode() != 0 && unknown.toString().contains("no key store for node node9"),
                unknown.toString());
    }

    @Test
    void makesWhatTheClusterConfigurationNamesForItsHosts() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Path file = conf.resolve("cluster.properties");
        Files.writeString(file, "cluster.members = a,b\n"
                + "cluster.node.a = 127.0.0.1 11121 8081 5701 9081\n"
                + "cluster.node.b = 127.0.0.7 11122 8082 5702\n");
        Cli.Result r = Cli.pacs("cluster-certs", "--cluster", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Wrote " + conf.resolve("cluster-tls").resolve("b.p12") + ": b, 127.0.0.7"), r.out());
        for (String node : List.of("a", "b")) {
            ClusterConfig cfg = ClusterConfigFile.load(file, node, null);
            PeerTls.load(cfg.tls()); // the node starts with what was made: its host, the configured password
        }
        assertEquals(9082, ClusterConfigFile.load(file, "b", null).node("b").peerPort(),
                "a line without a peer port gets the HTTP port + 1000");
    }

    @Test
    void makesNothingWhenTheClusterSwitchesTlsOff() throws Exception {
        Path file = tmp.resolve("cluster.properties");
        Files.writeString(file, "cluster.members = a\ncluster.node.a = 127.0.0.1 11121 8081 5701\n"
                + "cluster.tls.enabled = false\n");
        Cli.Result r = Cli.pacs("cluster-certs", "--cluster", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Cluster TLS is off"), r.out());
        assertTrue(!Files.exists(tmp.resolve("cluster-tls")), "no files made");
    }

    @Test
    void withoutClusterOutAndNodesAreNeeded() {
        Cli.Result r = Cli.pacs("cluster-certs", "--nodes", "node1");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--cluster"), r.err());
    }

    @Test
    void badNodeNameIsAUsageError() {
        Cli.Result r = Cli.pacs("cluster-certs", "--out", tmp.toString(), "--nodes", "node1,../x");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("not '../x'"), r.err());
    }
}
