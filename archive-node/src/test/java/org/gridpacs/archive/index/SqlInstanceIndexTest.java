package org.gridpacs.archive.index;

import static org.gridpacs.archive.index.TestInstances.header;
import static org.gridpacs.archive.index.TestInstances.object;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlInstanceIndexTest {
    static final TestInstances.Study STUDY = new TestInstances.Study("PID1", "Doe^Jane", "19800101", "1.2.3.1",
            "20240115", "101500", "ACC1", "CT chest", List.of("CT", "SR", "CT"), 3);

    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;

    @BeforeEach
    void open() throws SQLException {
        db = IndexDatabase.openH2(dir);
        index = new SqlInstanceIndex(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    long count(String sql, Object... params) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, sql, params));
    }

    @Test
    void insertsTheHierarchyWithAggregatesAndFindsTheInstance() throws Exception {
        TestInstances.insert(index, STUDY);
        assertEquals(1, count("SELECT COUNT(*) FROM patient"));
        assertEquals(1, count("SELECT COUNT(*) FROM study"));
        assertEquals(3, count("SELECT COUNT(*) FROM series"));
        assertEquals(9, count("SELECT COUNT(*) FROM instance"));
        assertEquals(9, count("SELECT num_instances FROM study"));
        assertEquals(3, count("SELECT num_series FROM study"));
        assertEquals(3, count("SELECT num_instances FROM series WHERE series_uid = ?", STUDY.seriesUID(1)));
        assertEquals("CT\\SR", db.read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT modalities_in_study FROM study")) {
                rs.next();
                return rs.getString(1);
            }
        }));
        assertEquals(1, count("SELECT COUNT(*) FROM patient WHERE patient_name_norm = 'DOE^JANE'"));

        IndexedInstance found = index.find(STUDY.sopUID(2, 1)).orElseThrow();
        assertEquals(STUDY.studyUID(), found.studyInstanceUID());
        assertEquals(STUDY.seriesUID(2), found.seriesInstanceUID());
        assertEquals(TestInstances.TS, found.transferSyntaxUID());
        assertEquals(List.of(new IndexedInstance.Location("fs1", STUDY.sopUID(2, 1), 1000 + STUDY.sopUID(2, 1).length(),
                "crc32c:0badcafe", "OK")), found.locations());
        assertTrue(index.find("9.9.9").isEmpty());
    }

    @Test
    void aSecondInsertOfTheSameSOPInstanceChangesNothing() throws Exception {
        DataSet ds = STUDY.instance(0, 0);
        assertTrue(index.insert(header(ds), object("a"), "AE1"));
        assertFalse(index.insert(header(ds), object("b"), "AE2"));
        assertEquals(1, count("SELECT COUNT(*) FROM instance"));
        assertEquals(1, count("SELECT COUNT(*) FROM location"));
        assertEquals(1, count("SELECT num_instances FROM study"));
        assertTrue(index.isIndexed("fs1", "a"));
        assertFalse(index.isIndexed("fs1", "b"));
    }

    @Test
    void studiesWithoutPatientIDGetAPatientEachAndTheSamePatientIDIsOnePatient() throws Exception {
        for (int k = 0; k < 2; k++) {
            TestInstances.insert(index, new TestInstances.Study(null, "Anon", null, "2.1." + k, null, null, null, null,
                    List.of("MR"), 2));
        }
        assertEquals(2, count("SELECT COUNT(*) FROM patient WHERE patient_id IS NULL"));
        for (int k = 0; k < 2; k++) {
            TestInstances.insert(index, new TestInstances.Study("PX", "X", null, "3.1." + k, null, null, null, null,
                    List.of("MR"), 1));
        }
        assertEquals(1, count("SELECT COUNT(*) FROM patient WHERE patient_id = 'PX'"));
        assertEquals(2, count("SELECT COUNT(*) FROM study st JOIN patient p ON p.pk = st.patient_fk WHERE p.patient_id = 'PX'"));
    }

    @Test
    void malformedValuesAreIndexedAsNullAndDottedDatesAreRead() throws Exception {
        DataSet ds = STUDY.instance(0, 0);
        ds.setString(Tag.StudyDate, VR.DA, "2024.01.15");
        ds.setString(Tag.StudyTime, VR.TM, "not a time");
        ds.setString(Tag.SeriesNumber, VR.IS, "x");
        assertTrue(index.insert(header(ds), object("a"), null));
        assertEquals(1, count("SELECT COUNT(*) FROM study WHERE study_date = DATE '2024-01-15' AND study_time IS NULL"));
        assertEquals(1, count("SELECT COUNT(*) FROM series WHERE series_number IS NULL"));
    }

    @Test
    void replaceSwapsTheLocationsAndReturnsTheOldOnes() throws Exception {
        DataSet ds = STUDY.instance(0, 0);
        index.insert(header(ds), object("old"), "AE1");
        ds.setString(Tag.InstanceNumber, VR.IS, "42");
        List<IndexedInstance.Location> old = index.replace(header(ds), object("new"), "AE2");
        assertEquals(List.of("old"), old.stream().map(IndexedInstance.Location::storageKey).toList());
        assertEquals(List.of("new"), index.find(ds.getString(Tag.SOPInstanceUID)).orElseThrow().locations().stream()
                .map(IndexedInstance.Location::storageKey).toList());
        assertEquals(42, count("SELECT instance_number FROM instance"));
        assertEquals(1, count("SELECT num_instances FROM study"));
        assertEquals(1, count("SELECT num_instances FROM series"));

        // a replace of an instance not indexed inserts it
        assertEquals(List.of(), index.replace(header(STUDY.instance(0, 1)), object("other"), "AE2"));
        assertEquals(2, count("SELECT num_instances FROM study"));
    }

    @Test
    void replaceIntoAnotherSeriesMovesTheInstanceAndItsCounts() throws Exception {
        DataSet a = STUDY.instance(0, 0);
        DataSet b = STUDY.instance(0, 1);
        index.insert(header(a), object("a"), null);
        index.insert(header(b), object("b"), null);
        DataSet moved = STUDY.instance(1, 0);
        moved.setString(Tag.SOPInstanceUID, VR.UI, a.getString(Tag.SOPInstanceUID));
        index.replace(header(moved), object("a2"), null);
        assertEquals(2, count("SELECT num_series FROM study"));
        assertEquals(2, count("SELECT num_instances FROM study"));
        assertEquals(1, count("SELECT num_instances FROM series WHERE series_uid = ?", STUDY.seriesUID(0)));
        assertEquals(1, count("SELECT num_instances FROM series WHERE series_uid = ?", STUDY.seriesUID(1)));

        // moving the last instance out of a series removes the series
        moved = STUDY.instance(1, 1);
        moved.setString(Tag.SOPInstanceUID, VR.UI, b.getString(Tag.SOPInstanceUID));
        moved.setString(Tag.Modality, VR.CS, "SR");
        index.replace(header(moved), object("b2"), null);
        assertEquals(0, count("SELECT COUNT(*) FROM series WHERE series_uid = ?", STUDY.seriesUID(0)));
        assertEquals(1, count("SELECT num_series FROM study"));
        assertEquals(2, count("SELECT num_instances FROM study"));
        assertEquals(2, count("SELECT num_instances FROM series WHERE series_uid = ?", STUDY.seriesUID(1)));
        assertEquals("SR", db.read(c -> {
            try (var rs = c.createStatement().executeQuery("SELECT modalities_in_study FROM study")) {
                rs.next();
                return rs.getString(1);
            }
        }));
    }

    @Test
    void locationsCanBeVisitedMarkedAndRemoved() throws Exception {
        TestInstances.insert(index, STUDY);
        List<IndexedInstance.Location> seen = new ArrayList<>();
        index.forEachLocation(seen::add);
        assertEquals(9, seen.size());
        index.markLocation("fs1", STUDY.sopUID(0, 0), "MISSING");
        assertEquals("MISSING", index.find(STUDY.sopUID(0, 0)).orElseThrow().locations().get(0).status());
        index.removeLocation("fs1", STUDY.sopUID(0, 0));
        assertEquals(List.of(), index.find(STUDY.sopUID(0, 0)).orElseThrow().locations());
        assertFalse(index.isIndexed("fs1", STUDY.sopUID(0, 0)));
    }

    @Test
    void whatWasCommittedIsThereAfterReopening() throws Exception {
        TestInstances.insert(index, STUDY);
        db.close();
        db = IndexDatabase.openH2(dir);
        index = new SqlInstanceIndex(db);
        assertEquals(9, count("SELECT COUNT(*) FROM instance"));
        assertNull(db.read(c -> Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = 'nope'")));
    }
}
