package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.gateway.node.ClusterConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster as a federation site (docs/federation.md, "A cluster as a site"): each member's federation port is the
 * sixth field of its cluster.node line; {@code scripts/cluster haproxy-config} adds the federation entry (TLS passed
 * through to those ports, health-checked) only while federation.properties enables federation.
 */
class FederationEntryConfigTest {
    @TempDir
    Path dir;

    @Test
    void theSixthFieldIsTheMembersFederationPort() throws Exception {
        Path cluster = clusterFile(true);
        assertEquals(21771, ClusterConfigFile.federationPort(cluster, "node1"));
        assertEquals("node2", ClusterConfigFile.loadMember(cluster, "node2", null).cluster().selfNode().name());
        Path without = clusterFile(false);
        assertEquals(-1, ClusterConfigFile.federationPort(without, "node1"));
        Files.writeString(without, "cluster.members = node1\ncluster.node.node1 = 127.0.0.1 1 2 3 4 x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfigFile.loadMember(without, "node1", null));
        assertTrue(e.getMessage().contains("cluster.node.node1"), e.getMessage());
    }

    @Test
    void haproxyHasTheFederationEntryOnlyWhileFederationIsEnabled() throws Exception {
        Path node = dir.resolve("node.properties");
        Files.writeString(node, "dicom.aeTitle = PACS\n");
        String off = haproxyConfig(clusterFile(true), node, 0);
        assertFalse(off.contains("frontend federation") || off.contains("federation_nodes"), off);

        Files.writeString(dir.resolve("federation.properties"), "federation.enabled = true\n"
                + "federation.bind = 127.0.0.1\nfederation.port = 21762\n");
        String on = haproxyConfig(clusterFile(true), node, 0);
        assertTrue(on.contains("frontend federation\n    bind 127.0.0.1:21762\n"), on);
        assertTrue(on.contains("    server node1 127.0.0.1:21771 check port 21081\n"
                + "    server node2 127.0.0.1:21772 check port 21082\n"), on);
        assertTrue(on.contains("backend federation_nodes\n    balance leastconn\n"), on);

        // a node without its federation port: refused, naming the line
        Path lacking = dir.resolve("lacking.properties");
        Files.writeString(lacking, "cluster.members = node1,node2\ncluster.node.node1 = 127.0.0.1 21121 21081 21701 21091\n"
                + "cluster.node.node2 = 127.0.0.1 21122 21082 21702 21092 21772\n");
        List<String> cmd = command(lacking, node);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("sixth field of cluster.node.node1"), out);
    }

    private Path clusterFile(boolean federationPorts) throws Exception {
        Path f = dir.resolve(federationPorts ? "cluster.properties" : "cluster-without.properties");
        Files.writeString(f, "cluster.members = node1,node2\n"
                + "cluster.node.node1 = 127.0.0.1 21121 21081 21701 21091" + (federationPorts ? " 21771" : "") + "\n"
                + "cluster.node.node2 = 127.0.0.1 21122 21082 21702 21092" + (federationPorts ? " 21772" : "") + "\n");
        return f;
    }

    private List<String> command(Path cluster, Path node) {
        return new ArrayList<>(List.of(ClusterProcesses.CLUSTER_SCRIPT.toString(), "haproxy-config", "--cluster",
                cluster.toString(), "--config", node.toString(), "--data", dir.resolve("run").toString(), "--socket",
                dir.resolve("haproxy.sock").toString()));
    }

    private String haproxyConfig(Path cluster, Path node, int expectedExit) throws Exception {
        Process p = new ProcessBuilder(command(cluster, node)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(expectedExit, p.exitValue(), out);
        return out;
    }
}
