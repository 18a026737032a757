package org.gridpacs.archive.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.MemoryStorageProvider;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.Storages;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage seam used through its interface: a storage of another scheme ({@code mem:}, a test provider found
 * by ServiceLoader as an {@code s3} module's would be) takes an instance through the ordinary store service,
 * gets the same checksum a file storage gets for the same bytes (computed above the provider, once), and gives
 * it back through the retrieve service.
 */
class OtherSchemeStorageTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;

    final TestInstances.Study study = new TestInstances.Study("P9", "Scheme^Test", null, "9.9", "20240101", "000000",
            null, null, List.of("CT"), 2);

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"));
        index = new SqlInstanceIndex(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static StoreResult store(StoreService store, DataSet ds) throws Exception {
        return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID),
                TestInstances.TS, "MODALITY"), new ByteArrayInputStream(TestInstances.encode(ds)));
    }

    private static byte[] read(Storage storage, String key) throws Exception {
        try (InputStream in = storage.open(key)) {
            return in.readAllBytes();
        }
    }

    @Test
    void instanceStoredInAStorageOfAnotherSchemeComesBackWithItsChecksum() throws Exception {
        assertTrue(Storages.providers().schemes().contains("mem"), Storages.providers().schemes().toString());
        Storage bucket = Storages.fromUri("grid1", "mem:" + dir.getFileName());
        assertEquals("MemoryStorage",
                assertInstanceOf(ChecksummingStorage.class, bucket).unwrap().getClass().getSimpleName());

        DataSet ds = study.instance(0, 0);
        StoreResult stored = store(new StoreService(bucket, index, DuplicatePolicy.REJECT), ds);
        assertEquals(StoreResult.Outcome.STORED, stored.outcome());
        assertEquals("grid1", stored.object().storageId());
        byte[] content = read(bucket, stored.object().key());
        // the checksum of what the storage holds, measured apart from the layer that computed it while storing
        assertEquals(Checksums.measure(new ByteArrayInputStream(content)).checksum(), stored.object().checksum());
        assertEquals(content.length, stored.object().size());

        IndexedInstance indexed = index.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow();
        IndexedInstance.Location row = indexed.locations().get(0);
        assertEquals(new IndexedInstance.Location("grid1", stored.object().key(), content.length,
                stored.object().checksum(), "OK"), row);

        RetrieveService retrieve = new RetrieveService(new QueryService(db), Map.of(bucket.id(), bucket));
        try (StoredInstance back = retrieve.open(indexed)) {
            assertTrue(back.dataSet().readAllBytes().length > 0);
        }

        // the same instance on a file storage: the same bytes and the same checksum, whoever stored it
        Storage disk = ChecksummingStorage.of(new FileSystemStorage("fs1", dir.resolve("fs1"), false));
        SqlInstanceIndex other = new SqlInstanceIndex(IndexDatabase.openH2(dir.resolve("other")));
        StoreResult onDisk = store(new StoreService(disk, other, DuplicatePolicy.REJECT), ds);
        assertEquals(stored.object().checksum(), onDisk.object().checksum());
        assertArrayEquals(content, read(disk, onDisk.object().key()));
    }
}
