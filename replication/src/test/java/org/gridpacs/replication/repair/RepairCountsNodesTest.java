package org.gridpacs.replication.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.SyntheticInstance;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.FixedMembership;
import org.gridpacs.replication.outbox.Outbox;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.gridpacs.replication.transfer.PeerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repair's placement check counts nodes: node1 holds a copy of a study whose replica set (replication factor 1) is
 * node2 alone. It removes its surplus copy once node2 holds the object, on whichever of node2's storages; a copy
 * in a shared storage is no node's copy and does not let it go.
 */
class RepairCountsNodesTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;
    Storage home;
    ClusterRepair repair;
    String study;

    final StorageRegistry storages = StorageRegistry.builder()
            .nodeLocal("node1", "node1")
            .nodeLocal("node2", "node2").nodeLocal("node2-b", "node2")
            .shared("grid").build();

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(Replication.SCHEMA));
        index = new SqlInstanceIndex(db);
        home = storage("node1");
        ClusterConfig cluster = new ClusterConfig("node1", List.of(new ClusterNode("node1", "127.0.0.1", 1, 1, 1),
                new ClusterNode("node2", "127.0.0.1", 1, 1, 1)), 1, 1, 60, 1000, null);
        StoreService local = new StoreService(home, index, DuplicatePolicy.REJECT);
        repair = new ClusterRepair(cluster, new FixedMembership("node1", "node2"), new Placement(1),
                new NodeCopies(storages), new SqlCopyCatalog(db), index, new PeerClient(null), local, home,
                new Outbox(db), () -> { });
        for (int n = 0; study == null; n++) {
            String uid = "1.2.826.0.1.3680043.10.2." + n;
            if (new Placement(1).replicaSet(uid, List.of("node1", "node2")).equals(List.of("node2"))) {
                study = uid;
            }
        }
    }

    @AfterEach
    void close() {
        repair.close();
        db.close();
    }

    private Storage storage(String id) {
        return ChecksummingStorage.of(new FileSystemStorage(id, dir.resolve(id), false));
    }

    private StoreResult storeOn(String storageId) throws Exception {
        Storage s = storageId.equals("node1") ? home : storage(storageId);
        return SyntheticInstance.store(new StoreService(s, index, DuplicatePolicy.REJECT), SyntheticInstance.of(study));
    }

    private List<String> storagesHolding() throws Exception {
        DataSet ds = SyntheticInstance.of(study);
        return index.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow().locations().stream()
                .map(IndexedInstance.Location::storageId).sorted().toList();
    }

    @Test
    void aSharedCopyDoesNotStandInForTheReplicaSetsNode() throws Exception {
        StoreResult own = storeOn("node1");
        storeOn("grid");
        // nothing removed, and the study stays marked: its surplus copy waits for node2's own
        assertArrayEquals(new int[] {0, 0, 1}, repair.checkPlacement(study));
        assertEquals(List.of("grid", "node1"), storagesHolding());
        assertTrue(home.exists(own.object().key()));
    }

    @Test
    void theIntervalPassChecksMarkedStudiesAndKeepsTheMarkWhileWorkIsLeft() throws Exception {
        SqlCopyCatalog catalog = new SqlCopyCatalog(db);
        StoreResult own = storeOn("node1");
        assertEquals(List.of(study), marked(catalog));
        repair.runChangesPass(); // node2 holds no copy yet: the surplus copy stays, and so does the mark
        assertEquals(List.of(study), marked(catalog));
        assertTrue(home.exists(own.object().key()));
        storeOn("node2");
        repair.runChangesPass(); // removes the surplus copy; that removal marks the study once more
        assertFalse(home.exists(own.object().key()));
        repair.runChangesPass(); // nothing left to do: the mark goes
        assertEquals(List.of(), marked(catalog));
        repair.runChangesPass();
        assertEquals(List.of("node2"), storagesHolding());
    }

    private static List<String> marked(SqlCopyCatalog catalog) throws Exception {
        return catalog.changedStudies(null, 100).stream().map(c -> c.studyInstanceUID()).toList();
    }

    @Test
    void aCopyOnAnotherStorageOfTheReplicaSetsNodeIsThatNodesCopy() throws Exception {
        StoreResult own = storeOn("node1");
        storeOn("node2-b");
        assertArrayEquals(new int[] {0, 1, 0}, repair.checkPlacement(study));
        assertEquals(List.of("node2-b"), storagesHolding());
        assertFalse(home.exists(own.object().key()));
    }
}
