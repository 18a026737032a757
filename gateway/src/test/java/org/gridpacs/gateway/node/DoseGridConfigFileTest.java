package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.dose.grid.GridConfig;
import org.junit.jupiter.api.Test;

/** cluster.dose.grid.* of conf/cluster.properties: defaults, ranges, addresses, TLS files, and the errors. */
class DoseGridConfigFileTest {
    private static final Path CONF = Path.of("/etc/pacs");
    private static final Path WORK = Path.of("/var/pacs/dose-grid");
    private static final String NODES = """
            cluster.node.node1 = 10.0.0.11 11121 8081 5701 9081
            cluster.node.node2 = 10.0.0.12 11122 8082 5702 9082
            """;

    private static Properties props(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    @Test
    void defaultsPutEveryNodeHostOnTheDefaultRangesWithTheClusterTls() throws Exception {
        GridConfig c = DoseGridConfigFile.from(props(NODES), CONF, "node2", null, WORK);
        assertEquals(List.of("10.0.0.11:47500..47509", "10.0.0.12:47500..47509"), c.addresses());
        assertEquals("10.0.0.12", c.host());
        assertEquals(47500, c.discoveryPort());
        assertEquals(47100, c.communicationPort());
        assertEquals(9, c.portRange());
        assertEquals(CONF.resolve("cluster-tls/node2.p12"), c.tls().keyStore());
        assertEquals(CONF.resolve("cluster-tls/cluster-ca.p12"), c.tls().trustStore());
        assertEquals(WORK, c.workDirectory());
    }

    @Test
    void rangesAddressesAndTlsOffAsConfigured() throws Exception {
        GridConfig c = DoseGridConfigFile.from(props(NODES + """
                cluster.dose.grid.discoveryPorts = 48500..48503
                cluster.dose.grid.communicationPorts = 48100..48103
                cluster.dose.grid.addresses = 10.0.0.11:48500..48503, 10.0.0.20:48500
                cluster.tls.enabled = false
                """), CONF, "worker5", "10.0.0.20", WORK);
        assertEquals(List.of("10.0.0.11:48500..48503", "10.0.0.20:48500"), c.addresses());
        assertEquals("10.0.0.20", c.host());
        assertEquals(48500, c.discoveryPort());
        assertEquals(48100, c.communicationPort());
        assertEquals(3, c.portRange());
        assertNull(c.tls());
    }

    @Test
    void errorsNameTheSetting() throws Exception {
        IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> DoseGridConfigFile.from(props(NODES), CONF, "worker5", null, WORK));
        assertTrue(noHost.getMessage().contains("cluster.node.worker5"), noHost.getMessage());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class, () -> DoseGridConfigFile.from(
                props(NODES + "cluster.dose.grid.discoveryPorts = 47500..47503\n"), CONF, "node1", null, WORK));
        assertTrue(sizes.getMessage().contains("same size"), sizes.getMessage());
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> DoseGridConfigFile.from(
                props(NODES + "cluster.dose.grid.discoveryPorts = 47105..47114\n"), CONF, "node1", null, WORK));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> DoseGridConfigFile.from(
                props(NODES + "cluster.dose.grid.communicationPorts = 47100-47109\n"), CONF, "node1", null, WORK));
        assertTrue(bad.getMessage().contains("cluster.dose.grid.communicationPorts"), bad.getMessage());
    }

    @Test
    void theJoinTimeoutIsTenSecondsUnlessSetAndABadValueNamesItsKey() throws Exception {
        assertEquals(10_000, DoseGridConfigFile.from(props(NODES), CONF, "node1", null, WORK).joinTimeoutMillis());
        assertEquals(1_000, DoseGridConfigFile.from(props(NODES + "cluster.dose.grid.joinTimeoutSeconds = 1\n"), CONF,
                "node1", null, WORK).joinTimeoutMillis());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DoseGridConfigFile.from(props(NODES + "cluster.dose.grid.joinTimeoutSeconds = 0\n"), CONF,
                        "node1", null, WORK));
        assertEquals("cluster.dose.grid.joinTimeoutSeconds must be between 1 and 600, not 0", e.getMessage());
    }
}
