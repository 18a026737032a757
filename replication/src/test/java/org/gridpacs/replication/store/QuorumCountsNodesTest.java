package org.gridpacs.replication.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.dimse.Status;
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
 * The write quorum counts nodes, not storages: with replication factor and write quorum 2 on two live nodes, a
 * copy of the instance already in a shared storage and one on a second disk of this node are no second node's
 * copy, so when node2 cannot take its copy the store is not confirmed. (Counted by storage id, as it once was,
 * those would have made three "copies" and a success with the instance on one node.) A copy on node2's storage
 * does count.
 */
class QuorumCountsNodesTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;
    ServerSocket brokenPeer;
    final AtomicInteger peerConnections = new AtomicInteger();
    ExecutorService pushes = Executors.newCachedThreadPool();

    final StorageRegistry storages = StorageRegistry.builder()
            .nodeLocal("node1", "node1").nodeLocal("node1-b", "node1")
            .nodeLocal("node2", "node2")
            .shared("grid").build();

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(Replication.SCHEMA));
        index = new SqlInstanceIndex(db);
        // node2 is up (it accepts connections) but fails every transfer: it takes no copy
        brokenPeer = new ServerSocket(0);
        Thread t = new Thread(() -> {
            while (!brokenPeer.isClosed()) {
                try (Socket s = brokenPeer.accept()) {
                    peerConnections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void close() throws IOException {
        brokenPeer.close();
        pushes.shutdownNow();
        db.close();
    }

    private Storage storage(String id) {
        return ChecksummingStorage.of(new FileSystemStorage(id, dir.resolve(id), false));
    }

    private static DataSet instance() {
        return SyntheticInstance.of("1.2.826.0.1.3680043.10.1");
    }

    private static StoreResult store(org.gridpacs.archive.store.InstanceStore store) throws Exception {
        return SyntheticInstance.store(store, instance());
    }

    private ReplicatingStore replicatingStore() throws Exception {
        ClusterConfig cluster = new ClusterConfig("node1", List.of(new ClusterNode("node1", "127.0.0.1", 1, 1, 1),
                new ClusterNode("node2", "127.0.0.1", 1, 2, 3, brokenPeer.getLocalPort())), 2, 2, 60, 100, null);
        Storage home = storage("node1");
        SqlCopyCatalog catalog = new SqlCopyCatalog(db);
        PeerClient client = new PeerClient(null);
        return new ReplicatingStore(new StoreService(home, index, DuplicatePolicy.REJECT), cluster, new Placement(2),
                new NodeCopies(storages), new FixedMembership("node1", "node2"), index, client,
                new CopyPusher("node1", home, storages, catalog, client),
                new CopyRecorder(db, catalog, new Outbox(db)), StreamingSettings.DEFAULT, () -> { }, pushes);
    }

    @Test
    void copiesInASharedStorageAndOnASecondDiskOfThisNodeAreNoSecondNodesCopy() throws Exception {
        store(new StoreService(storage("grid"), index, DuplicatePolicy.REJECT));
        store(new StoreService(storage("node1-b"), index, DuplicatePolicy.REJECT));

        StoreException e = assertThrows(StoreException.class, () -> store(replicatingStore()));
        assertEquals(Status.OUT_OF_RESOURCES, e.status());
        assertTrue(e.getMessage().contains("stored on 1 node(s)"), e.getMessage());
        assertTrue(peerConnections.get() > 0, "node2 was asked for its copy");
        // the index still lists all three copies: only their counting changed
        assertEquals(3, index.find(instance().getString(Tag.SOPInstanceUID)).orElseThrow().locations().size());
    }

    @Test
    void aCopyOnTheOtherNodesStorageCounts() throws Exception {
        store(new StoreService(storage("node2"), index, DuplicatePolicy.REJECT));
        StoreResult r = store(replicatingStore());
        assertEquals(StoreResult.Outcome.STORED, r.outcome());
        assertEquals(0, peerConnections.get(), "node2 already holds the instance: no copy is pushed");
    }
}
