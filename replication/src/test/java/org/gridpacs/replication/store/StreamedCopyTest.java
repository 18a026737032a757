package org.gridpacs.replication.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.SyntheticInstance;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.FixedMembership;
import org.gridpacs.replication.outbox.Outbox;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.gridpacs.replication.transfer.PeerClient;
import org.gridpacs.replication.transfer.PeerHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streamed replication between two nodes in this JVM (node2: a real Jetty peer connector with the real peer
 * handler, its own storage and index): the copy goes to node2 while node1 stores, and an instance node1 does not
 * keep (the sender goes away in the middle, bad data, a duplicate refused after the object was complete) leaves
 * nothing on node2, neither file nor index entry.
 */
class StreamedCopyTest {
    private static final int PIXELS = 3 * 1024 * 1024;

    @TempDir
    Path dir;
    final StorageRegistry storages = StorageRegistry.oneLocalPerNode(List.of("node1", "node2"));
    IndexDatabase db1;
    IndexDatabase db2;
    SqlInstanceIndex index1;
    SqlInstanceIndex index2;
    Storage home1;
    Storage home2;
    NodeHttpServer peer2;
    final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
    /** The connection each request came on. */
    final ConcurrentLinkedQueue<String> connections = new ConcurrentLinkedQueue<>();
    final ExecutorService pushes = Executors.newCachedThreadPool();
    ReplicatingStore store;
    /** Requests the peer began, and ended (answered or failed). */
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    /** Node1's storage makes a written object durable only once the peer ended a request (as a slow disk would). */
    volatile boolean forceAfterPeer;

    private void finish() {
        synchronized (finished) {
            finished.incrementAndGet();
            finished.notifyAll();
        }
    }

    /** Waits until the peer ended {@code n} requests (at most 20 s); whether it did. */
    private boolean awaitFinished(int n) throws InterruptedException {
        long until = System.currentTimeMillis() + 20_000;
        synchronized (finished) {
            while (finished.get() < n && System.currentTimeMillis() < until) {
                finished.wait(100);
            }
            return finished.get() >= n;
        }
    }

    @BeforeEach
    void start() throws Exception {
        db1 = IndexDatabase.openH2(dir.resolve("index1"), List.of(Replication.SCHEMA));
        db2 = IndexDatabase.openH2(dir.resolve("index2"), List.of(Replication.SCHEMA));
        index1 = new SqlInstanceIndex(db1);
        index2 = new SqlInstanceIndex(db2);
        home1 = ChecksummingStorage.of(new SlowToForce(new FileSystemStorage("node1", dir.resolve("node1"), false)));
        home2 = ChecksummingStorage.of(new FileSystemStorage("node2", dir.resolve("node2"), false));
        PeerHandler handler = new PeerHandler("node2", home2, storages, new StoreService(home2, index2,
                DuplicatePolicy.REJECT), new SqlCopyCatalog(db2), new PeerHandler.Events() {
            @Override
            public void copyReceived(String sopInstanceUID, String origin) {
            }

            @Override
            public void studiesChanged(Set<String> studyInstanceUIDs) {
            }
        }, org.gridpacs.replication.transfer.PeerIdentity.off(storages));
        Handler recording = new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                requests.add(request.getMethod() + " " + request.getHttpURI().getPath());
                connections.add(request.getConnectionMetaData().getId());
                started.incrementAndGet();
                return super.handle(request, response, new Callback.Nested(callback) {
                    @Override
                    public void succeeded() {
                        finish();
                        super.succeeded();
                    }

                    @Override
                    public void failed(Throwable x) {
                        finish();
                        super.failed(x);
                    }
                });
            }
        };
        peer2 = new NodeHttpServer("127.0.0.1", 0).peerConnector("127.0.0.1", 0, NodeHttpServer.PLAIN)
                .peerRoute("/peer/*", recording).start();
        ClusterConfig cluster = new ClusterConfig("node1", List.of(new ClusterNode("node1", "127.0.0.1", 1, 1, 1),
                new ClusterNode("node2", "127.0.0.1", 1, 2, 3, peer2.peerPort())), 2, 2, 60, 100, null);
        SqlCopyCatalog catalog1 = new SqlCopyCatalog(db1);
        PeerClient client = new PeerClient(null);
        store = new ReplicatingStore(new StoreService(home1, index1, DuplicatePolicy.REJECT), cluster, new Placement(2),
                new NodeCopies(storages), new FixedMembership("node1", "node2"), index1, client,
                new CopyPusher("node1", home1, storages, catalog1, client),
                new CopyRecorder(db1, catalog1, new Outbox(db1)), StreamingSettings.DEFAULT, () -> { }, pushes);
    }

    @AfterEach
    void stop() {
        peer2.close();
        pushes.shutdownNow();
        db1.close();
        db2.close();
    }

    private static DataSet image(String study, int fill) {
        DataSet ds = SyntheticInstance.of(study);
        byte[] pixels = new byte[PIXELS];
        java.util.Arrays.fill(pixels, (byte) fill);
        ds.setInt(Tag.Rows, VR.US, 1024);
        ds.setInt(Tag.Columns, VR.US, 1536);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    private static byte[] encode(DataSet ds) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes)) {
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(ds);
            out.finish();
        }
        return bytes.toByteArray();
    }

    private StoreResult store(DataSet ds, InputStream data) throws Exception {
        return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID),
                SyntheticInstance.TS, "MODALITY"), data);
    }

    private long files(String node) throws IOException {
        Path root = dir.resolve(node);
        if (!Files.isDirectory(root)) {
            return 0;
        }
        return org.gridpacs.dicom.testutil.FileTrees.files(root).size();
    }

    @Test
    void theCopyIsStreamedAndBothNodesListBothCopies() throws Exception {
        DataSet ds = image("1.2.826.0.1.3680043.10.7", 1);
        StoreResult r = store(ds, new ByteArrayInputStream(encode(ds)));

        assertEquals(StoreResult.Outcome.STORED, r.outcome());
        assertEquals(List.of("PUT /peer/instances/streamed"), List.copyOf(requests), "streamed, not pushed after");
        IndexedInstance onPeer = index2.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow();
        assertEquals(1, onPeer.locations().size(), "the peer indexed its own copy");
        assertEquals(r.object().checksum(), onPeer.locations().get(0).checksum());
        // recorded just after the answer: the peer has indexed its copy, no read depends on this node knowing it
        long deadline = System.currentTimeMillis() + 5000;
        while (index1.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow().locations().size() < 2
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        IndexedInstance here = index1.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow();
        assertEquals(Set.of("node1", "node2"), Set.copyOf(here.locations().stream()
                .map(IndexedInstance.Location::storageId).toList()), "this node recorded the peer's copy");
        assertEquals(1, new Outbox(db1).backlog("node2"), "the peer is told of this node's copy by the outbox");
        assertEquals(1, files("node2"));
    }

    @Test
    void onlyTheNodeThatStreamedACopyMayTakeItBack() throws Exception {
        DataSet ds = image("1.2.826.0.1.3680043.10.12", 20);
        store(ds, new ByteArrayInputStream(encode(ds)));
        String sop = ds.getString(Tag.SOPInstanceUID);
        String key = index2.find(sop).orElseThrow().locations().get(0).storageKey();
        ClusterNode node2 = new ClusterNode("node2", "127.0.0.1", 1, 2, 3, peer2.peerPort());

        IOException refused = assertThrows(IOException.class,
                () -> new PeerClient(null).withdrawCopy(node2, "node3", sop, key));
        assertTrue(refused.getMessage().contains("403"), refused.getMessage());
        assertTrue(index2.find(sop).isPresent(), "the copy stays");
        assertEquals(1, files("node2"));

        new PeerClient(null).withdrawCopy(node2, "node1", sop, key);
        assertFalse(index2.find(sop).isPresent(), "its origin took it back");
        assertEquals(0, files("node2"));
    }

    @Test
    void copiesOneAfterAnotherShareOneConnection() throws Exception {
        for (int i = 0; i < 3; i++) {
            DataSet ds = image("1.2.826.0.1.3680043.10.11", 10 + i);
            ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.11.1." + (i + 1));
            assertEquals(StoreResult.Outcome.STORED, store(ds, new ByteArrayInputStream(encode(ds))).outcome());
        }
        assertEquals(List.of("PUT /peer/instances/streamed", "PUT /peer/instances/streamed",
                "PUT /peer/instances/streamed"), List.copyOf(requests));
        assertEquals(1, Set.copyOf(connections).size(), "one connection, kept open: " + connections);
        assertEquals(3, files("node2"));
    }

    @Test
    void aSenderThatGoesAwayInTheMiddleLeavesNothingOnThePeer() throws Exception {
        DataSet ds = image("1.2.826.0.1.3680043.10.8", 2);
        // the connection is lost right after the pixel data, before the padding that follows it: had the copy's body
        // simply ended there, the peer would have received a complete data set and kept it
        ds.setBytes(Tag.DataSetTrailingPadding, VR.OB, new byte[64 * 1024]);
        byte[] bytes = encode(ds);
        InputStream cut = pausingAt(bytes, bytes.length - 64 * 1024 - 12, true);
        assertThrows(IOException.class, () -> store(ds, cut));

        assertTrue(requests.contains("PUT /peer/instances/streamed"), "streaming had begun: " + requests);
        awaitPeerIdle();
        assertFalse(requests.contains("DELETE /peer/instances"), "its body was cut off, not stored and taken back");
        assertEquals(0, files("node2"), "no file on the peer");
        assertFalse(index2.find(ds.getString(Tag.SOPInstanceUID)).isPresent(), "nothing indexed on the peer");
        assertFalse(index1.find(ds.getString(Tag.SOPInstanceUID)).isPresent());
    }

    @Test
    void anInstanceCutShortIsRefusedAndLeavesNothingOnThePeer() throws Exception {
        DataSet ds = image("1.2.826.0.1.3680043.10.9", 3);
        byte[] bytes = encode(ds);
        // the data set ends inside the pixel data's value: the modality sent less than it announced
        InputStream shortened = pausingAt(bytes, bytes.length - PIXELS / 4, false);
        StoreException e = assertThrows(StoreException.class, () -> store(ds, shortened));
        assertEquals(Status.CANNOT_UNDERSTAND, e.status());

        assertTrue(requests.contains("PUT /peer/instances/streamed"), "streaming had begun: " + requests);
        awaitPeerIdle();
        assertEquals(0, files("node2"));
        assertFalse(index2.find(ds.getString(Tag.SOPInstanceUID)).isPresent());
    }

    @Test
    void aDuplicateRefusedAfterTheObjectWasCompleteIsTakenBackFromThePeer() throws Exception {
        DataSet first = image("1.2.826.0.1.3680043.10.10", 4);
        // this node alone holds a different object under the UID (stored before node2 was a member, say)
        new StoreService(home1, index1, DuplicatePolicy.REJECT).store(new StoreRequest(first.getString(Tag.SOPClassUID),
                first.getString(Tag.SOPInstanceUID), SyntheticInstance.TS, "MODALITY"),
                new ByteArrayInputStream(encode(first)));
        DataSet other = image("1.2.826.0.1.3680043.10.10", 5);
        forceAfterPeer = true; // the peer's copy is complete and stored before this node finds the duplicate

        StoreException e = assertThrows(StoreException.class, () -> store(other, new ByteArrayInputStream(encode(other))));
        assertEquals(Status.DUPLICATE_SOP_INSTANCE, e.status());

        assertTrue(requests.contains("PUT /peer/instances/streamed"), "streamed before the duplicate was known");
        assertTrue(requests.contains("DELETE /peer/instances"), "and taken back: " + requests);
        assertEquals(0, files("node2"));
        assertFalse(index2.find(other.getString(Tag.SOPInstanceUID)).isPresent());
    }

    /**
     * {@code bytes} up to {@code end}, then a pause (so that the copy to the peer is under way), then an IOException
     * ({@code fail}: the connection was lost) or the end of the stream.
     */
    private static InputStream pausingAt(byte[] bytes, int end, boolean fail) {
        return new InputStream() {
            int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= end) {
                    try {
                        Thread.sleep(700);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                    if (fail) {
                        throw new IOException("connection reset by the modality");
                    }
                    return -1;
                }
                int n = Math.min(len, end - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** A storage whose objects become durable once the peer ended a request, while {@link #forceAfterPeer}. */
    private final class SlowToForce extends org.gridpacs.archive.storage.ForwardingStorage {
        SlowToForce(Storage storage) {
            super(storage);
        }

        @Override
        public org.gridpacs.archive.storage.StoredObject create(ContentWriter writer) throws IOException {
            org.gridpacs.archive.storage.StoredObject o = storage.create(writer);
            try {
                if (forceAfterPeer && !awaitFinished(1)) {
                    throw new IOException("the peer never ended its request");
                }
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return o;
        }

        @Override
        public org.gridpacs.archive.storage.PendingObject createPending(ContentWriter writer) throws IOException {
            return org.gridpacs.archive.storage.PendingObject.durable(create(writer)); // wholly durable, slowly
        }
    }

    /** The peer's store of a cut-off body ends a moment after the origin's: wait until its requests are over. */
    private void awaitPeerIdle() throws InterruptedException {
        assertTrue(awaitFinished(started.get()), "the peer did not end its requests");
    }
}
