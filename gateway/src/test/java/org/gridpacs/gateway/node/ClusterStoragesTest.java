package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.junit.jupiter.api.Test;

class ClusterStoragesTest {
    private final ClusterConfig cluster = new ClusterConfig("node1", List.of(
            new ClusterNode("node1", "127.0.0.1", 11121, 8081, 5701),
            new ClusterNode("node2", "127.0.0.1", 11122, 8082, 5702)), 2, 2, 60, 200, null);

    @Test
    void byDefaultEachMemberHasOneStorageNamedAfterIt() {
        ClusterStorages s = ClusterStorages.defaults(cluster);
        assertEquals(Optional.of("node2"), s.registry().nodeOf("node2"));
        assertEquals("node1", s.registry().homeOf("node1"));
        assertEquals(Map.of(), s.readableBy("node1"));
    }

    @Test
    void sharedAndExtraLocalStorages() {
        Properties p = new Properties();
        p.setProperty("cluster.storage.grid1", "shared s3://bucket/prefix");
        p.setProperty("cluster.storage.node2-old", "local node2 file:/data/old volume");
        ClusterStorages s = ClusterStorages.from(p, cluster);
        assertTrue(s.registry().isShared("grid1"));
        assertEquals(Optional.of("node2"), s.registry().nodeOf("node2-old"));
        assertEquals("node2", s.registry().homeOf("node2"));
        assertEquals(Map.of("grid1", "s3://bucket/prefix"), s.readableBy("node1"));
        assertEquals(Map.of("grid1", "s3://bucket/prefix", "node2-old", "file:/data/old volume"), s.readableBy("node2"));
    }

    @Test
    void badLinesNameTheirSetting() {
        for (String bad : List.of("shared", "local node2", "remote x y", "shared a b")) {
            Properties p = new Properties();
            p.setProperty("cluster.storage.x", bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClusterStorages.from(p, cluster), bad);
            assertTrue(e.getMessage().startsWith("cluster.storage.x: "), e.getMessage());
        }
        Properties p = new Properties();
        p.setProperty("cluster.storage.node1", "shared file:/x"); // a member's name is its home storage's id
        assertThrows(IllegalArgumentException.class, () -> ClusterStorages.from(p, cluster));
    }

    @Test
    void theGridIsAddedAsASharedStorageAndTheHomesStay() {
        Properties p = new Properties();
        p.setProperty("cluster.storage.node1-b", "local node1 file:/data/b");
        p.setProperty("cluster.storage.a-old", "local node2 file:/data/a");
        ClusterStorages s = ClusterStorages.from(p, cluster).withShared("grid");
        assertTrue(s.registry().isShared("grid"));
        assertEquals(Optional.empty(), s.registry().nodeOf("grid"));
        assertEquals("node1", s.registry().homeOf("node1"));
        assertEquals("node2", s.registry().homeOf("node2"), "a-old sorts first but is not node2's home");
        assertEquals(Optional.of("node2"), s.registry().nodeOf("a-old"));

        Properties taken = new Properties();
        taken.setProperty("cluster.storage.grid", "shared s3://other/x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterStorages.from(taken, cluster).withShared("grid"));
        assertTrue(e.getMessage().startsWith("cluster.storage.grid: "), e.getMessage());
    }
}
