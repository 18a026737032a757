package org.gridpacs.grid.offsite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RemoteCopies;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageProviders;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.NotifyingStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.grid.s3.GridFixture;
import org.gridpacs.grid.s3.S3StorageProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The off-site copy against a real s3proxy: instances stored through a node's store service get their grid copy
 * (a location row on storage "grid", ciphertext in the bucket); with the grid stopped stores go on and the backlog
 * grows, and drains when it returns; a grid-only instance is read through the retrieve service.
 */
@ProcessTest
class OffsiteCopyTest {
    private static final String PATIENT = "Offsite^Patient";

    @TempDir
    Path dir;
    GridFixture grid;
    S3StorageProvider provider;
    IndexDatabase db;
    SqlInstanceIndex index;
    Storage home;
    Storage target;
    StoreListeners listeners;
    InstanceStore store;
    OffsiteQueue queue;
    OffsiteCopier copier;

    @BeforeEach
    void start() throws Exception {
        grid = new GridFixture(dir.resolve("grid"));
        provider = new S3StorageProvider(grid.settings(), grid.ring(null));
        db = IndexDatabase.openH2(dir.resolve("index"));
        index = new SqlInstanceIndex(db);
        StorageProviders providers = StorageProviders.standard().register(provider);
        home = providers.open("node1", "file:" + dir.resolve("storage"), false);
        target = providers.open("grid", "s3://" + GridFixture.BUCKET + "/archive", false);
        queue = new OffsiteQueue(db);
        copier = new OffsiteCopier(queue, db, index, Map.of("node1", home), target, CopyNews.NONE,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(800)));
        listeners = new StoreListeners().add(new OffsiteListener(queue, copier));
        store = new NotifyingStore(new StoreService(home, index, DuplicatePolicy.REJECT), listeners, "node1");
    }

    @AfterEach
    void stop() {
        copier.close();
        listeners.close();
        db.close();
        provider.close();
        grid.close();
    }

    private static DataSet instance(int n) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.3." + n);
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.1");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.2");
        ds.setString(Tag.PatientID, VR.LO, "OFF1");
        ds.setString(Tag.PatientName, VR.PN, PATIENT);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setInt(Tag.InstanceNumber, VR.IS, n);
        ds.setInt(Tag.Rows, VR.US, 16);
        ds.setInt(Tag.Columns, VR.US, 16);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        byte[] pixels = new byte[16 * 16 * 2];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 7 + n);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    private String storeOne(int n) throws Exception {
        DataSet ds = instance(n);
        store.store(StoreRequest.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), "MODALITY"), ds);
        return ds.getString(Tag.SOPInstanceUID);
    }

    private IndexedInstance.Location gridCopy(String sop) throws Exception {
        return index.find(sop).orElseThrow().locations().stream().filter(l -> l.storageId().equals("grid"))
                .findFirst().orElse(null);
    }

    private void awaitGridCopies(List<String> sops, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        for (String sop : sops) {
            while (gridCopy(sop) == null) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("no grid copy of " + sop + " within " + millis + " ms; backlog "
                            + queue.backlog("grid"));
                }
                Thread.sleep(50);
            }
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyStoredInstanceGetsAVerifiedCiphertextCopyOnTheGrid() throws Exception {
        copier.start();
        List<String> sops = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            sops.add(storeOne(n));
        }
        awaitGridCopies(sops, 30_000);
        for (String sop : sops) {
            IndexedInstance.Location local = index.find(sop).orElseThrow().locations().stream()
                    .filter(l -> l.storageId().equals("node1")).findFirst().orElseThrow();
            IndexedInstance.Location copy = gridCopy(sop);
            assertEquals("OK", copy.status());
            assertEquals(local.size(), copy.size());
            assertEquals(local.checksum(), copy.checksum());
            assertArrayEquals(read(home.open(local.storageKey())), read(target.open(copy.storageKey())));
        }
        assertEquals(0, queue.backlog("grid").entries());
        // counted a moment after the transaction that the rows above come from
        long until = System.nanoTime() + 10_000_000_000L;
        while (copier.stats().copied() < 3 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(3, copier.stats().copied());

        // at rest in the bucket: ciphertext, neither the DICOM magic nor the patient's name
        List<Path> objects;
        try (Stream<Path> s = Files.walk(grid.server.bucketsFolder())) {
            objects = s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".enc")).toList();
        }
        assertEquals(3, objects.size(), "one object per instance: " + objects);
        for (Path o : objects) {
            String bytes = new String(Files.readAllBytes(o), StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("DICM"), o + " holds the DICOM magic");
            assertFalse(bytes.contains(PATIENT), o + " holds the patient's name");
        }
    }

    @Test
    void storesGoOnWhileTheGridIsDownAndTheBacklogDrainsWhenItReturns() throws Exception {
        copier.start();
        grid.server.stop();
        List<String> sops = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            sops.add(storeOne(n)); // a C-STORE never waits for the grid
        }
        long deadline = System.currentTimeMillis() + 20_000;
        while (copier.stats().failures() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        OffsiteCopier.Stats down = copier.stats();
        assertEquals(4, down.backlog());
        assertTrue(down.failures() > 0, "the copier tried and failed");
        assertTrue(down.lastError() != null && down.lastError().contains("grid"), down.lastError());
        for (String sop : sops) {
            assertEquals(null, gridCopy(sop));
        }

        grid.server.start();
        awaitGridCopies(sops, 30_000);
        assertEquals(0, queue.backlog("grid").entries());
    }

    @Test
    void aGridOnlyInstanceIsReadThroughTheRetrieveService() throws Exception {
        copier.start();
        String sop = storeOne(7);
        awaitGridCopies(List.of(sop), 30_000);
        RetrieveService retrieve = new RetrieveService(new QueryService(db, "ARCHIVE"),
                Map.of("node1", home, "grid", target), RemoteCopies.NONE, Set.of("grid"));
        byte[] before;
        try (StoredInstance local = retrieve.open(index.find(sop).orElseThrow())) {
            before = local.dataSet().readAllBytes();
        }
        // the local copy goes: its row and its file
        IndexedInstance.Location local = index.find(sop).orElseThrow().locations().stream()
                .filter(l -> l.storageId().equals("node1")).findFirst().orElseThrow();
        index.removeLocation("node1", local.storageKey());
        home.remove(local.storageKey());
        IndexedInstance gridOnly = index.find(sop).orElseThrow();
        assertEquals(List.of("grid"), gridOnly.locations().stream().map(IndexedInstance.Location::storageId).toList());
        try (StoredInstance fromGrid = retrieve.open(gridOnly)) {
            assertArrayEquals(before, fromGrid.dataSet().readAllBytes());
        }
    }

    @Test
    void anObjectACrashedAttemptMadeIsVerifiedAndRecordedNotCopiedAgain() throws Exception {
        String sop = storeOne(3); // the copier is not running: the entry stays queued
        IndexedInstance.Location local = index.find(sop).orElseThrow().locations().get(0);
        StoredObject made = target.create(out -> {
            try (InputStream in = home.open(local.storageKey())) {
                in.transferTo(out);
            }
        });
        // the crash: the object was created and its key kept, the location row not recorded
        long deadline = System.currentTimeMillis() + 10_000;
        List<OffsiteQueue.Entry> due = queue.due("grid", 10);
        while (due.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            due = queue.due("grid", 10);
        }
        assertEquals(1, due.size());
        queue.objectCreated(due.get(0), made.key());
        copier.start();
        awaitGridCopies(List.of(sop), 30_000);
        assertEquals(made.key(), gridCopy(sop).storageKey(), "the earlier object is reused");
        List<StoredObject> all = new ArrayList<>();
        target.list(all::add);
        assertEquals(1, all.size(), "no second object: " + all);
    }

    @Test
    void theStartUpPassQueuesInstancesWithoutAGridCopy() throws Exception {
        listeners.close(); // events lost: a crash between the commit and the listener
        store = new StoreService(home, index, DuplicatePolicy.REJECT);
        String sop = storeOne(5);
        assertEquals(0, queue.backlog("grid").entries());
        assertEquals(1, queue.addMissing("node1", "grid", (study, holders) -> true));
        assertEquals(0, queue.addMissing("node1", "grid", (study, holders) -> true), "queued once");
        copier.start();
        awaitGridCopies(List.of(sop), 30_000);
        assertEquals(0, queue.addMissing("node1", "grid", (study, holders) -> true), "nothing owed any more");
    }
}
