package org.gridpacs.archive.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class StorageRegistryTest {

    @Test
    void byDefaultEachNodeHasOneStorageNamedAfterIt() {
        StorageRegistry r = StorageRegistry.oneLocalPerNode(List.of("node1", "node2"));
        assertEquals(Optional.of("node1"), r.nodeOf("node1"));
        assertEquals("node2", r.homeOf("node2"));
        assertTrue(r.isHome("node2"));
        assertEquals(Optional.empty(), r.nodeOf("fs1"));
        assertFalse(r.isShared("node1"));
    }

    @Test
    void aNodeWithTwoStoragesAndASharedOne() {
        StorageRegistry r = StorageRegistry.builder().nodeLocal("node1", "node1").nodeLocal("node1-old", "node1")
                .nodeLocal("node2", "node2").shared("s3-grid").build();
        assertEquals(Optional.of("node1"), r.nodeOf("node1-old"));
        assertEquals("node1", r.homeOf("node1"));
        assertFalse(r.isHome("node1-old"));
        assertTrue(r.isShared("s3-grid"));
        assertEquals(Optional.empty(), r.nodeOf("s3-grid")); // a shared copy is no node's copy
        assertFalse(r.isHome("s3-grid"));
        assertThrows(IllegalArgumentException.class, () -> r.homeOf("node3"));
        assertThrows(IllegalArgumentException.class, () -> StorageRegistry.builder().shared("a").nodeLocal("a", "n"));
    }
}
