package org.gridpacs.replication.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.gridpacs.archive.index.CopyCatalog.CopyRecord;
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
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.pki.KeyType;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.SyntheticInstance;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.tls.ClusterCertificates;
import org.gridpacs.replication.tls.PeerTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * node3's peer endpoints over mutual TLS, called with the certificates of node1 and node2 and of a certificate of
 * the same CA for no member: a node's certificate acts only as its node. What a refused request would have changed
 * (the stored copy, the index's copies) is checked unchanged, and the same request as the right node passes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerIdentityTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    Path dir;
    Path tls;
    IndexDatabase db;
    IndexDatabase originDb;
    SqlInstanceIndex index;
    SqlCopyCatalog catalog;
    Storage home;
    Storage node1Storage;
    NodeHttpServer server;
    ClusterNode node3;
    ClusterConfig config;
    final StorageRegistry storages = StorageRegistry.builder().nodeLocal("node1", "node1").nodeLocal("node2", "node2")
            .nodeLocal("node3", "node3").shared("grid").build();

    @BeforeEach
    void start() throws Exception {
        tls = dir.resolve("tls");
        Map<String, String> hosts = new LinkedHashMap<>();
        for (String n : List.of("node1", "node2", "node3", "outsider")) {
            hosts.put(n, "127.0.0.1");
        }
        new ClusterCertificates(tls, PASSWORD, 30, KeyType.EC).write(hosts);
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(Replication.SCHEMA));
        index = new SqlInstanceIndex(db);
        catalog = new SqlCopyCatalog(db);
        home = ChecksummingStorage.of(new FileSystemStorage("node3", dir.resolve("node3"), false));
        int peerPort = Ports.freePort();
        node3 = new ClusterNode("node3", "127.0.0.1", 1, 1, 1, peerPort);
        config = new ClusterConfig("node3", List.of(new ClusterNode("node1", "127.0.0.1", 1, 1, 1),
                new ClusterNode("node2", "127.0.0.1", 1, 1, 1), node3), 2, 1, 60, 1000, tls("node3"));
        PeerHandler handler = new PeerHandler("node3", home, storages, new StoreService(home, index,
                DuplicatePolicy.REJECT), catalog, new PeerHandler.Events() {
                    @Override
                    public void copyReceived(String sopInstanceUID, String origin) {
                    }

                    @Override
                    public void studiesChanged(Set<String> studyInstanceUIDs) {
                    }
                }, PeerIdentity.of(config, storages));
        server = new NodeHttpServer("127.0.0.1", 0)
                .peerConnector("127.0.0.1", peerPort, PeerTls.load(tls("node3")).serverConnectors())
                .peerRoute("/peer/*", handler).start();
        // node1's own copy, which node1 pushes or announces
        originDb = IndexDatabase.openH2(dir.resolve("origin-index"), List.of(Replication.SCHEMA));
        node1Storage = ChecksummingStorage.of(new FileSystemStorage("node1", dir.resolve("node1"), false));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        db.close();
        originDb.close();
    }

    @Test
    void aCopyPushedUnderAnotherNodesOriginIsRefusedAndNothingStored() throws Exception {
        DataSet ds = SyntheticInstance.of("1.2.826.0.1.3680043.10.13.1");
        IndexedInstance.Location origin = originCopy(ds);
        IOException e = assertThrows(IOException.class,
                () -> client("node2").pushCopy(node3, "node1", origin, "MODALITY", content(origin)));
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("its own copies only"), e.getMessage());
        assertEquals(Optional.empty(), index.find(ds.getString(Tag.SOPInstanceUID)), "nothing indexed");
        assertEquals(0, files(dir.resolve("node3")), "nothing stored");

        // the same copy pushed by node1 itself is taken
        client("node1").pushCopy(node3, "node1", origin, "MODALITY", content(origin));
        assertEquals(List.of("node1", "node3"), storagesHolding(ds));
    }

    @Test
    void announcementsOfAnotherNodesCopiesAreRefusedAndTheIndexUnchanged() throws Exception {
        DataSet ds = SyntheticInstance.of("1.2.826.0.1.3680043.10.13.2");
        String sop = ds.getString(Tag.SOPInstanceUID);
        IndexedInstance.Location origin = originCopy(ds);
        client("node1").pushCopy(node3, "node1", origin, "MODALITY", content(origin));
        assertEquals(List.of("node1", "node3"), storagesHolding(ds));
        CopyRecord node3Copy = catalog.copy("node3", sop).orElseThrow();

        PeerClient node2 = client("node2");
        assertRefused(() -> node2.announce(node3, List.of(Announcement.drop(sop, "node1", origin.storageKey()))),
                "node1's storage node1");
        assertRefused(() -> node2.announce(node3, List.of(Announcement.copy(on(node3Copy, "node1", "forged")))),
                "node1's storage node1");
        // one bad announcement refuses the whole batch: node2's own copy in it is not applied either
        assertRefused(() -> node2.announce(node3, List.of(Announcement.copy(on(node3Copy, "node2", "mine")),
                Announcement.drop(sop, "node3", node3Copy.location().storageKey()))), "node3's storage node3");
        assertEquals(List.of("node1", "node3"), storagesHolding(ds), "the index is unchanged");
        assertEquals(origin.storageKey(), catalog.copy("node1", sop).orElseThrow().location().storageKey());

        // node2 announcing its own copy, and node1 dropping its own, are applied
        node2.announce(node3, List.of(Announcement.copy(on(node3Copy, "node2", "mine"))));
        client("node1").announce(node3, List.of(Announcement.drop(sop, "node1", origin.storageKey())));
        assertEquals(List.of("node2", "node3"), storagesHolding(ds));
    }

    @Test
    void aCopyOnASharedStorageIsAnnouncedByTheMemberThatMadeIt() throws Exception {
        DataSet ds = SyntheticInstance.of("1.2.826.0.1.3680043.10.13.3");
        IndexedInstance.Location origin = originCopy(ds);
        client("node1").pushCopy(node3, "node1", origin, "MODALITY", content(origin));
        CopyRecord node3Copy = catalog.copy("node3", ds.getString(Tag.SOPInstanceUID)).orElseThrow();

        // the grid copy node2 made (the off-site copy): any member may write the grid and tell of it
        client("node2").announce(node3, List.of(Announcement.copy(on(node3Copy, "grid", "k"))));
        assertEquals(List.of("grid", "node1", "node3"), storagesHolding(ds));
    }

    @Test
    void aCertificateOfNoMemberIsRefused() throws Exception {
        assertRefused(() -> client("outsider").digests(node3), "outsider, no member of this cluster");
        assertEquals(Map.of(), client("node1").digests(node3));
    }

    @Test
    void aRevokedNodeIsRefusedOnAConnectionOpenedBeforeTheRevocation() throws Exception {
        PeerClient node1 = client("node1");
        node1.digests(node3); // the connection stays open in the client's pool
        new ClusterCertificates(tls, PASSWORD, 30, KeyType.EC).revoke("node1");
        Thread.sleep(1_300);
        IOException e = assertThrows(IOException.class, () -> node1.digests(node3));
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("revoked"), e.getMessage());
        assertEquals(Map.of(), client("node2").digests(node3), "node2 is not revoked");
    }

    @Test
    void withoutClusterTlsThereIsNoIdentity() throws Exception {
        ClusterConfig plain = new ClusterConfig("node3", config.members(), 2, 1, 60, 1000, null);
        PeerIdentity off = PeerIdentity.of(plain, storages);
        assertTrue(!off.enabled() && off.node(null).isEmpty());
        assertTrue(PeerIdentity.of(config, storages).enabled());
    }

    private ClusterConfig.Tls tls(String node) {
        return new ClusterConfig.Tls(tls.resolve(ClusterCertificates.keyStoreName(node)), PASSWORD,
                tls.resolve(ClusterCertificates.TRUST_STORE), PASSWORD);
    }

    private PeerClient client(String node) throws Exception {
        return new PeerClient(PeerTls.load(tls(node)).sslContext());
    }

    private IndexedInstance.Location originCopy(DataSet ds) throws Exception {
        StoreResult r = SyntheticInstance.store(new StoreService(node1Storage, new SqlInstanceIndex(originDb),
                DuplicatePolicy.REJECT), ds);
        return new IndexedInstance.Location("node1", r.object().key(), r.object().size(), r.object().checksum(), "OK");
    }

    private Supplier<InputStream> content(IndexedInstance.Location l) {
        return () -> {
            try {
                return node1Storage.open(l.storageKey());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static CopyRecord on(CopyRecord r, String storageId, String key) {
        return new CopyRecord(r.sopInstanceUID(), r.studyInstanceUID(), r.transferSyntaxUID(), r.sourceAETitle(),
                r.encodedHeader(), new IndexedInstance.Location(storageId, key, r.location().size(),
                r.location().checksum(), "OK"));
    }

    private List<String> storagesHolding(DataSet ds) throws Exception {
        return index.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow().locations().stream()
                .map(IndexedInstance.Location::storageId).sorted().toList();
    }

    private static long files(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call, String reason) {
        IOException e = assertThrows(IOException.class, call::run);
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains(reason), e.getMessage());
    }
}
