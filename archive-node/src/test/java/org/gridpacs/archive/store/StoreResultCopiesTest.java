package org.gridpacs.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The copies a {@link StoreResult} carries are what the index lists once the store is done (the usable ones),
 * for every outcome: the cluster's store takes them instead of looking the instance up again. Two storages share
 * one index here, as a node's index lists the copies its peers hold.
 */
class StoreResultCopiesTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;
    StoreService here;
    StoreService peer;

    final TestInstances.Study study = new TestInstances.Study("P1", "Copies^Test", null, "7.7", "20240101", "000000",
            null, null, List.of("CT"), 4);

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"));
        index = new SqlInstanceIndex(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void stores(DuplicatePolicy policy) {
        here = new StoreService(ChecksummingStorage.of(new FileSystemStorage("here", dir.resolve("here"), false)), index, policy);
        peer = new StoreService(ChecksummingStorage.of(new FileSystemStorage("peer", dir.resolve("peer"), false)), index, policy);
    }

    /** The instance with 1 KiB of pixel data; {@code version} changes the pixels (and so the checksum). */
    private DataSet instance(int version) {
        DataSet ds = study.instance(0, 0);
        ds.setInt(Tag.Columns, VR.US, 16);
        ds.setInt(Tag.Rows, VR.US, 32);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        byte[] pixels = new byte[16 * 32 * 2];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 13 + version * 7);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    private static StoreResult store(StoreService store, DataSet ds) throws Exception {
        return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID),
                TestInstances.TS, "MODALITY"), new ByteArrayInputStream(TestInstances.encode(ds)));
    }

    /** The usable copies the index lists now, in storage order, as the result states them. */
    private List<StoredObject> indexed(String sop) throws Exception {
        IndexedInstance i = index.find(sop).orElseThrow();
        return sorted(i.locations().stream().filter(l -> "OK".equals(l.status()))
                .map(l -> new StoredObject(l.storageId(), l.storageKey(), l.size(), l.checksum())).toList());
    }

    private static List<StoredObject> sorted(List<StoredObject> copies) {
        return copies.stream().sorted(Comparator.comparing(StoredObject::storageId)).toList();
    }

    /** The result has {@code outcome}, and its object is the one copy, as the index lists it. */
    private void assertOnlyCopy(StoreResult.Outcome outcome, StoreResult r) throws Exception {
        assertEquals(outcome, r.outcome());
        assertEquals(List.of(r.object()), r.copies());
        assertEquals(indexed(r.header().sopInstanceUID()), r.copies());
    }

    @Test
    void newInstanceHasItsOneCopy() throws Exception {
        stores(DuplicatePolicy.REJECT);
        assertOnlyCopy(StoreResult.Outcome.STORED, store(here, instance(0)));
    }

    @Test
    void sameObjectAgainKeepsTheCopiesListed() throws Exception {
        stores(DuplicatePolicy.REJECT);
        StoreResult first = store(peer, instance(0));
        StoreResult more = store(here, instance(0));
        assertEquals(StoreResult.Outcome.STORED, more.outcome());
        assertEquals("one more copy", more.comment());
        assertEquals(List.of(first.object(), more.object()), more.copies());
        assertEquals(indexed(more.header().sopInstanceUID()), sorted(more.copies()));

        StoreResult again = store(here, instance(0));
        assertEquals(StoreResult.Outcome.ALREADY_STORED, again.outcome());
        assertEquals(more.object(), again.object());
        assertEquals(indexed(again.header().sopInstanceUID()), sorted(again.copies()));
        assertEquals(2, again.copies().size());
    }

    @Test
    void replacedInstanceHasOnlyTheNewCopy() throws Exception {
        stores(DuplicatePolicy.REPLACE);
        StoreResult old = store(peer, instance(0));
        store(here, instance(0));
        StoreResult replaced = store(here, instance(1));
        assertNotEquals(old.object().checksum(), replaced.object().checksum());
        assertOnlyCopy(StoreResult.Outcome.REPLACED, replaced);
    }

    @Test
    void lostCopyRestoredIsTheOnlyCopy() throws Exception {
        stores(DuplicatePolicy.REJECT);
        StoreResult lost = store(here, instance(0));
        index.markLocation(lost.object().storageId(), lost.object().key(), "MISSING");
        assertOnlyCopy(StoreResult.Outcome.REPLACED, store(here, instance(0)));
    }
}
