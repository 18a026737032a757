package org.gridpacs.replication.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;
import org.junit.jupiter.api.Test;

/** Placement and repair read location rows as nodes' copies: shared and unknown storages are no node's. */
class NodeCopiesTest {
    private final NodeCopies copies = new NodeCopies(StorageRegistry.builder()
            .nodeLocal("node1", "node1").nodeLocal("node1-b", "node1")
            .nodeLocal("node2", "node2")
            .shared("grid").build());

    private static IndexedInstance.Location at(String storage, String status) {
        return new IndexedInstance.Location(storage, storage + "/k.dcm", 10, "crc32c:00000001", status);
    }

    private static IndexedInstance instance(IndexedInstance.Location... locations) {
        return new IndexedInstance("1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.2", "1.2.3", "1.2.3.4", "1.2.840.10008.1.2.1",
                List.of(locations));
    }

    @Test
    void nodesHoldingCountsEachNodeOnceAndNoSharedCopy() {
        List<StoredObject> held = List.of(new StoredObject("node1", "a", 1, "c"), new StoredObject("node1-b", "b", 1, "c"),
                new StoredObject("grid", "g", 1, "c"), new StoredObject("fs-unknown", "u", 1, "c"),
                new StoredObject("node2", "x", 1, "other"));
        assertEquals(Set.of("node1"), copies.nodesHolding(held, "c"));
        assertEquals(Set.of("node2"), copies.nodesHolding(held, "other"));
        assertEquals(Set.of(), copies.nodesHolding(held, null));
    }

    @Test
    void aNodesCopyIsOnItsHomeStorageFirst() {
        IndexedInstance i = instance(at("grid", "OK"), at("node1-b", "OK"), at("node1", "OK"), at("node2", "CORRUPT"));
        assertEquals("node1", copies.copyOf(i, "node1").storageId());
        assertEquals("node1-b", copies.copyOf(instance(at("node1-b", "OK")), "node1").storageId());
        assertNull(copies.copyOf(i, "node2")); // not usable
        assertNull(copies.copyOf(instance(at("grid", "OK")), "node2"));
        assertNull(copies.nodeOf("grid"));
        assertTrue(copies.servedByItsNode("node2"));
        assertFalse(copies.servedByItsNode("node1-b"));
        assertFalse(copies.servedByItsNode("grid"));
    }
}
