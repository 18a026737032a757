package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers copying one instance to the grid at once (the off-site copier and a migration): the first row stays,
 * the second writer is told so (and removes its own object); the same object recorded twice is one row.
 */
class SharedStorageCopyTest {
    private static final String SOP = "1.2.826.0.1.3680043.99.5.1";
    @TempDir
    Path dir;
    IndexDatabase db;
    SqlInstanceIndex index;

    @BeforeEach
    void open() throws SQLException {
        db = IndexDatabase.openH2(dir);
        index = new SqlInstanceIndex(db);
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, SOP);
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.5");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.5.0");
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.PatientID, VR.LO, "P5");
        index.insert(TestInstances.header(ds), new StoredObject("fs1", "local/1", 10, "crc32c:00000001"), "M");
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theFirstGridCopyRecordedStaysAndTheSecondWriterIsToldSo() throws SQLException {
        StoredObject first = new StoredObject("grid", "archive/a.enc", 10, "crc32c:00000001");
        StoredObject second = new StoredObject("grid", "archive/b.enc", 10, "crc32c:00000001");
        assertTrue(add(SOP, first));
        assertFalse(add(SOP, second), "another key: refused");
        assertTrue(add(SOP, first), "the same object: already there");
        assertEquals(List.of("archive/a.enc"), gridKeys());
        assertFalse(add("1.2.3.404", first), "no such instance");
    }

    private boolean add(String sop, StoredObject object) throws SQLException {
        Boolean added = db.inTransaction(c -> index.addLocationUnlessHeld(c, sop, object));
        return added;
    }

    private List<String> gridKeys() throws SQLException {
        return index.find(SOP).orElseThrow().locations().stream().filter(l -> l.storageId().equals("grid"))
                .map(IndexedInstance.Location::storageKey).toList();
    }
}
