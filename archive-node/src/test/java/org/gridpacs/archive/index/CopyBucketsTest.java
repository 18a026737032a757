package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bucket digests kept with every location change equal a recomputation from the rows, whatever the changes. */
class CopyBucketsTest {
    private static final List<String> STORAGES = List.of("fs1", "fs2", "fs3");

    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;
    SqlCopyCatalog catalog;

    @BeforeEach
    void open() throws SQLException {
        db = IndexDatabase.openH2(dir);
        index = new SqlInstanceIndex(db);
        catalog = new SqlCopyCatalog(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void digestsStayEqualToARecomputationAfterRandomChanges() throws SQLException {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            // instance -> its current series (so that replacements may move it to another study)
            Map<String, String> seriesOf = new HashMap<>();
            List<String> sops = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                String study = "1.2.9." + seed + "." + random.nextInt(6);
                String series = study + "." + random.nextInt(3);
                String sop = sops.isEmpty() || random.nextInt(3) == 0
                        ? "1.2.9.9." + seed + "." + step : sops.get(random.nextInt(sops.size()));
                String storage = STORAGES.get(random.nextInt(STORAGES.size()));
                StoredObject object = new StoredObject(storage, sop + "/" + step, 100, "crc32c:" + random.nextInt(4));
                switch (random.nextInt(7)) {
                    case 0 -> {
                        if (index.insert(header(sop, series, study), object, "MODALITY")) {
                            seriesOf.put(sop, series);
                            sops.add(sop);
                        }
                    }
                    case 1 -> {
                        // a new series of a (maybe) other study: the instance moves there
                        String moved = study + "." + (10 + step);
                        index.replace(header(sop, moved, study), object, "MODALITY");
                        if (!seriesOf.containsKey(sop)) {
                            sops.add(sop);
                        }
                        seriesOf.put(sop, moved);
                    }
                    case 2 -> {
                        String s = seriesOf.getOrDefault(sop, series);
                        catalog.addCopy(header(sop, s, s.substring(0, s.lastIndexOf('.'))), "MODALITY",
                                new IndexedInstance.Location(storage, object.key(), 100, object.checksum(), "OK"));
                        if (seriesOf.putIfAbsent(sop, s) == null) {
                            sops.add(sop);
                        }
                    }
                    case 3 -> catalog.removeCopy(storage, sop);
                    case 4 -> index.addLocation(sop, object);
                    case 5, 6 -> {
                        IndexedInstance i = index.find(sop).orElse(null);
                        if (i != null && !i.locations().isEmpty()) {
                            IndexedInstance.Location l = i.locations().get(random.nextInt(i.locations().size()));
                            if (random.nextBoolean()) {
                                index.markLocation(l.storageId(), l.storageKey(), random.nextBoolean() ? "OK" : "MISSING");
                            } else {
                                index.removeLocation(l.storageId(), l.storageKey());
                            }
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                if (step % 25 == 0) {
                    assertDigestsRight();
                }
            }
            assertDigestsRight();
        }
    }

    @Test
    void concurrentChangesOfOneBucketAllCount() throws Exception {
        // one study: every store below adds to the same bucket row at the same time
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    String sop = "1.2.7.1.1." + thread + "." + i;
                    index.insert(header(sop, "1.2.7.1.1", "1.2.7.1"),
                            new StoredObject(STORAGES.get(i % 3), sop, 10, "c" + i), "M");
                }
                return null;
            }));
        }
        for (var f : done) {
            f.get();
        }
        pool.shutdown();
        db.read(c -> {
            assertEquals(CopyBuckets.recompute(c), CopyBuckets.stored(c));
            assertEquals(200L, CopyBuckets.stored(c).values().stream().mapToLong(CopyBuckets.Sum::copies).sum());
            return null;
        });
    }

    @Test
    void aChangeMarksItsStudyAndAMarkReadBeforeALaterChangeIsNotCleared() throws SQLException {
        index.insert(header("1.2.8.1.1", "1.2.8.1.1", "1.2.8.1"), new StoredObject("fs1", "k1", 1, "c1"), "M");
        List<CopyCatalog.StudyChange> marks = catalog.changedStudies(null, 10);
        assertEquals(List.of("1.2.8.1"), marks.stream().map(CopyCatalog.StudyChange::studyInstanceUID).toList());
        index.markLocation("fs1", "k1", "MISSING");
        catalog.clearChange(marks.get(0));
        assertEquals(1, catalog.changedStudies(null, 10).size(), "the change after the read keeps the mark");
        catalog.clearChange(catalog.changedStudies(null, 10).get(0));
        assertTrue(catalog.changedStudies(null, 10).isEmpty());
        catalog.removeCopy("fs1", "1.2.8.1.1");
        assertFalse(catalog.changedStudies(null, 10).isEmpty());
    }

    /** The table equals a recomputation, and each bucket's per-study digests are those of the whole storage. */
    private void assertDigestsRight() throws SQLException {
        db.read(c -> {
            assertEquals(CopyBuckets.recompute(c), CopyBuckets.stored(c));
            return null;
        });
        for (String storage : STORAGES) {
            Map<Integer, CopyCatalog.BucketDigest> buckets = catalog.bucketDigests(storage);
            Map<String, CopyCatalog.StudyDigest> all = catalog.digests(storage);
            Map<String, CopyCatalog.StudyDigest> byBucket = new HashMap<>();
            long copies = 0;
            for (int bucket : buckets.keySet()) {
                byBucket.putAll(catalog.digests(storage, bucket));
                copies += buckets.get(bucket).copies();
            }
            assertEquals(all, byBucket);
            assertEquals(all.values().stream().mapToLong(CopyCatalog.StudyDigest::copies).sum(), copies);
        }
    }

    private static InstanceHeader header(String sop, String series, String study) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.PatientID, VR.LO, "P" + study);
        return TestInstances.header(ds);
    }
}
