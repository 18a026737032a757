package org.gridpacs.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.ForwardingStorage;
import org.gridpacs.archive.storage.PendingObject;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C-STORE path indexes a new object while the storage forces its folder entry ({@link Storage#createPending}),
 * and answers only once both are done: a store whose last force fails is refused, its index entry marked MISSING
 * and its file removed, and the sender's resend heals it.
 */
class FolderForceOverlapTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;
    FileSystemStorage files;

    final TestInstances.Study study = new TestInstances.Study("P7", "Force^Test", null, "7.7", "20240101", "000000",
            null, null, List.of("CT"), 2);

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"));
        index = new SqlInstanceIndex(db);
        files = new FileSystemStorage("fs1", dir.resolve("fs1"), true);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static StoreResult store(StoreService store, DataSet ds) throws Exception {
        return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID),
                TestInstances.TS, "MODALITY"), new ByteArrayInputStream(TestInstances.encode(ds)));
    }

    @Test
    void theIndexIsWrittenWhileTheFolderIsForcedAndTheAnswerWaitsForBoth() throws Exception {
        DataSet ds = study.instance(0, 0);
        String uid = ds.getString(Tag.SOPInstanceUID);
        AtomicReference<String> seenWhileForcing = new AtomicReference<>();
        Storage storage = new Pending(files, pending -> new PendingObject(pending.object(), () -> {
            // the durability is waited for after the index transaction: the row is there, the file whole
            try {
                seenWhileForcing.set(index.find(uid).map(i -> i.locations().get(0).status()).orElse("not indexed")
                        + ", file " + files.exists(pending.object().key()));
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
            pending.awaitDurable();
        }));
        StoreResult stored = store(new StoreService(storage, index, DuplicatePolicy.REJECT), ds);
        assertEquals(StoreResult.Outcome.STORED, stored.outcome());
        assertEquals("OK, file true", seenWhileForcing.get());
    }

    @Test
    void aFailedFolderForceRefusesTheStoreMarksItsEntryAndTheResendHeals() throws Exception {
        DataSet ds = study.instance(0, 1);
        String uid = ds.getString(Tag.SOPInstanceUID);
        Storage failing = new Pending(files, pending -> new PendingObject(pending.object(), () -> {
            pending.awaitDurable();
            throw new IOException("fsync of the folder failed (test)");
        }));
        StoreException e = assertThrows(StoreException.class,
                () -> store(new StoreService(failing, index, DuplicatePolicy.REJECT), ds));
        assertEquals(Status.OUT_OF_RESOURCES, e.status());
        assertTrue(e.getMessage().contains("fsync of the folder failed"), e.getMessage());
        IndexedInstance.Location lost = index.find(uid).orElseThrow().locations().get(0);
        assertEquals("MISSING", lost.status());
        assertFalse(files.exists(lost.storageKey()), "the file of a refused store is removed");

        StoreResult again = store(new StoreService(files, index, DuplicatePolicy.REJECT), ds);
        assertEquals(StoreResult.Outcome.REPLACED, again.outcome());
        IndexedInstance healed = index.find(uid).orElseThrow();
        assertEquals(1, healed.locations().size());
        assertEquals("OK", healed.locations().get(0).status());
        assertTrue(files.exists(healed.locations().get(0).storageKey()));
    }

    @Test
    void aDuplicateWaitsForDurabilityBeforeItIsCompared() throws Exception {
        DataSet ds = study.instance(0, 0);
        store(new StoreService(files, index, DuplicatePolicy.REJECT), ds);
        // the second copy's force fails: with a stored instance, nothing of the index may change, and no copy goes
        Storage failing = new Pending(files, pending -> new PendingObject(pending.object(), () -> {
            throw new IOException("fsync of the folder failed (test)");
        }));
        StoreException e = assertThrows(StoreException.class,
                () -> store(new StoreService(failing, index, DuplicatePolicy.REJECT), ds));
        assertEquals(Status.OUT_OF_RESOURCES, e.status());
        IndexedInstance kept = index.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow();
        assertEquals(1, kept.locations().size());
        assertEquals("OK", kept.locations().get(0).status());
        assertTrue(files.exists(kept.locations().get(0).storageKey()));
    }

    @Test
    void aPendingFileIsWholeUnderItsKeyBeforeItsFolderIsForced() throws Exception {
        byte[] content = new byte[300_000];
        new java.util.Random(7).nextBytes(content);
        PendingObject pending = files.createPending(out -> out.write(content));
        try (InputStream in = files.open(pending.object().key())) {
            assertEquals(java.util.Arrays.hashCode(content), java.util.Arrays.hashCode(in.readAllBytes()));
        }
        pending.awaitDurable();
        assertEquals(content.length, pending.object().size());
    }

    /** A storage whose pending objects are those of {@code storage}, with their durability as {@code wrap} makes it. */
    private static final class Pending extends ForwardingStorage {
        private final java.util.function.Function<PendingObject, PendingObject> wrap;

        Pending(Storage storage, java.util.function.Function<PendingObject, PendingObject> wrap) {
            super(storage);
            this.wrap = wrap;
        }

        @Override
        public StoredObject create(ContentWriter writer) {
            throw new AssertionError("the C-STORE path creates pending objects");
        }

        @Override
        public PendingObject createPending(ContentWriter writer) throws IOException {
            return wrap.apply(storage.createPending(writer));
        }
    }
}
