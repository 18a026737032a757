package org.gridpacs.replication.commitment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;

import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.archive.commitment.ReferencedSop;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.replication.placement.NodeCopies;
import org.junit.jupiter.api.Test;

/** Commitment counts distinct nodes' usable copies; a request crosses between nodes unchanged. */
class NodeDurableCopiesTest {
    private final NodeCopies nodeCopies = new NodeCopies(StorageRegistry.builder()
            .nodeLocal("node1", "node1").nodeLocal("node1-b", "node1").nodeLocal("node2", "node2")
            .nodeLocal("node3", "node3").shared("grid").build());

    private static IndexedInstance instance(String... storagesAndStatus) {
        List<IndexedInstance.Location> locations = new java.util.ArrayList<>();
        for (String s : storagesAndStatus) {
            String[] f = s.split(":");
            locations.add(new IndexedInstance.Location(f[0], f[0] + "/k", 10, "crc32c:00000001", f[1]));
        }
        return new IndexedInstance("1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.2", "1.2.3", "1.2.3.4", "1.2.840.10008.1.2.1",
                locations);
    }

    @Test
    void sharedStoragesAndUnusableCopiesCountNothingAndANodeCountsOnce() {
        NodeDurableCopies copies = new NodeDurableCopies(nodeCopies, 2, 3);
        assertEquals(2, copies.required());
        assertEquals(1, copies.count(instance("node1:OK", "node1-b:OK", "grid:OK", "elsewhere:OK")));
        assertEquals(1, copies.count(instance("node1:OK", "node2:CORRUPT")));
        assertEquals(2, copies.count(instance("node1:OK", "node3:OK")));
        // fewer members than the factor: every member is enough
        assertEquals(1, new NodeDurableCopies(nodeCopies, 2, 1).required());
    }

    @Test
    void aRequestCrossesTheWireUnchanged() throws IOException {
        CommitmentRequest r = new CommitmentRequest("2.25.42", "CT SCANNER", "PACS", "node2", 1_700_000_000_123L,
                List.of(new ReferencedSop("1.2.840.10008.5.1.4.1.1.2", "1.2.3.4.5"),
                        new ReferencedSop("1.2.840.10008.5.1.4.1.1.4", "1.2.3.4.6")));
        assertEquals(r, CommitmentWire.decode(CommitmentWire.encode(r)));
        assertThrows(IOException.class, () -> CommitmentWire.decode("2.25.42\tAE\n"));
    }
}
