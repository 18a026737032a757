package org.gridpacs.archive.repair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupRepairTest {
    @TempDir
    Path root;

    private final InMemoryInstanceIndex index = new InMemoryInstanceIndex();

    private Storage storage() {
        return ChecksummingStorage.of(new FileSystemStorage("fs1", root));
    }

    private StartupRepair.Result repair() throws IOException, SQLException {
        return new StartupRepair(index, storage()).run();
    }

    private void leftoverTempFile(String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve("2020/02/03/04"));
        Files.write(dir.resolve(name), new byte[100]);
    }

    @Test
    void aCleanStorageNeedsNothing() throws Exception {
        StoredObject o = storage().create(TestInstances.instance("1.2.3.1"));
        index.add("1.2.3.1", "fs1", o.key(), "OK");
        StartupRepair.Result r = repair();
        assertEquals(new StartupRepair.Result("fs1", 0, 0, 0, false, 0, 0, 0), r);
        assertEquals("Startup check of storage fs1: 0 unfinished writes removed, 0 files re-indexed, "
                + "0 index entries without a file", r.summary());
    }

    @Test
    void removesUnfinishedWrites() throws Exception {
        leftoverTempFile(".0a1b.part");
        leftoverTempFile(".0a1c.part");
        leftoverTempFile(".0a1d.part");
        StartupRepair.Result r = repair();
        assertEquals(3, r.unfinishedWritesRemoved());
        assertEquals(0, r.unreadableFiles()); // the leftovers are gone before the files are looked at
        try (var s = Files.list(root.resolve("2020/02/03/04"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void reindexesAFileNoEntryNames() throws Exception {
        StoredObject written = storage().create(TestInstances.instance("1.2.3.2"));

        StartupRepair.Result r = repair();

        assertEquals(1, r.filesReindexed());
        assertEquals(written.checksum(), index.location("fs1", written.key()).checksum());
        assertEquals(written.size(), index.location("fs1", written.key()).size());
        assertEquals("OK", index.location("fs1", written.key()).status());
        assertNull(index.sourceAETitles.get(0));
        InstanceHeader h = index.headers.get("1.2.3.2");
        assertEquals(TestInstances.CT, h.sopClassUID());
        assertEquals("1.2.826.0.1.3680043.2.1", h.studyInstanceUID());
        assertEquals("1.2.826.0.1.3680043.2.1.1", h.seriesInstanceUID());
        assertEquals("Doe^Jane", h.patientName());
        assertEquals("7", h.instanceNumber());
        assertEquals(TestInstances.EXPLICIT_LE, h.transferSyntaxUID());

        // the header is what the store service would make of the same data set: no overlay, no pixels
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(h.encodedHeader()));
        in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        DataSet decoded = in.readDataSet();
        assertEquals("1.2.3.2", decoded.getString(Tag.SOPInstanceUID));
        assertFalse(decoded.contains(TestInstances.OVERLAY_DATA));
        assertFalse(decoded.contains(Tag.PixelData));
        assertArrayEquals(HeaderEncoder.encode(TestInstances.dataSet("1.2.3.2")), h.encodedHeader());

        assertEquals(0, repair().filesReindexed()); // and once is enough
    }

    @Test
    void marksEntriesWhoseFileIsGoneAndOnlyOurs() throws Exception {
        StoredObject kept = storage().create(TestInstances.instance("1.2.3.3"));
        index.add("1.2.3.3", "fs1", kept.key(), "OK");
        index.add("1.2.3.4", "fs1", "2021/01/01/00/0123456789abcdef0123456789abcdef.dcm", "OK");
        index.add("1.2.3.5", "fs2", "2021/01/01/00/fedcba9876543210fedcba9876543210.dcm", "OK"); // another node's

        StartupRepair.Result r = repair();

        assertEquals(1, r.entriesWithoutFile());
        assertFalse(r.entriesLeftUnmarked());
        assertEquals("MISSING", index.location("fs1", "2021/01/01/00/0123456789abcdef0123456789abcdef.dcm").status());
        assertEquals("OK", index.location("fs1", kept.key()).status());
        assertEquals("OK", index.location("fs2", "2021/01/01/00/fedcba9876543210fedcba9876543210.dcm").status());
        assertEquals(0, repair().entriesWithoutFile()); // already marked: not counted again
    }

    @Test
    void anEntryWhoseFileIsBackIsUsableAgain() throws Exception {
        StoredObject o = storage().create(TestInstances.instance("1.2.3.6"));
        index.add("1.2.3.6", "fs1", o.key(), "MISSING");
        StartupRepair.Result r = repair();
        assertEquals(1, r.entriesWithFileBack());
        assertEquals("OK", index.location("fs1", o.key()).status());
        assertTrue(r.summary().endsWith(", 1 index entry whose file is back"), r.summary());
    }

    @Test
    void anEmptyStorageIsSuspectedUnmountedNotEmptied() throws Exception {
        index.add("1.2.3.7", "fs1", "2021/01/01/00/0123456789abcdef0123456789abcdef.dcm", "OK");
        index.add("1.2.3.8", "fs1", "2021/01/01/00/1123456789abcdef0123456789abcdef.dcm", "OK");
        StartupRepair.Result r = repair();
        assertEquals(2, r.entriesWithoutFile());
        assertTrue(r.entriesLeftUnmarked());
        assertEquals("OK", index.location("fs1", "2021/01/01/00/0123456789abcdef0123456789abcdef.dcm").status());
        assertTrue(r.summary().contains("is its volume mounted?"), r.summary());
    }

    @Test
    void filesThatAreNotDicomAreReportedAndLeft() throws Exception {
        Storage s = storage();
        StoredObject garbage = s.create(out -> out.write("not a DICOM file at all".getBytes()));
        StoredObject noUids = s.create(out -> TestInstances.write(out, withoutStudy()));
        StoredObject truncated = s.create(out -> {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            TestInstances.write(b, TestInstances.dataSet("1.2.3.9"));
            out.write(b.toByteArray(), 0, 300); // ends inside the header
        });
        StoredObject good = s.create(TestInstances.instance("1.2.3.10"));

        StartupRepair.Result r = repair();

        assertEquals(3, r.unreadableFiles());
        assertEquals(1, r.filesReindexed());
        for (StoredObject o : new StoredObject[] {garbage, noUids, truncated}) {
            assertTrue(s.exists(o.key()));
            assertFalse(index.isIndexed("fs1", o.key()));
        }
        assertTrue(index.isIndexed("fs1", good.key()));
        assertEquals("Startup check of storage fs1: 0 unfinished writes removed, 1 file re-indexed, "
                + "0 index entries without a file, 3 files not readable as DICOM left in place (see the warnings)",
                r.summary());
    }

    private static DataSet withoutStudy() {
        DataSet ds = TestInstances.dataSet("1.2.3.11");
        ds.remove(Tag.StudyInstanceUID);
        return ds;
    }

    @Test
    void aSecondFileOfAnIndexedInstanceIsLeftAlone() throws Exception {
        Storage s = storage();
        StoredObject indexed = s.create(TestInstances.instance("1.2.3.12"));
        index.add("1.2.3.12", "fs1", indexed.key(), "OK");
        StoredObject second = s.create(TestInstances.instance("1.2.3.12"));

        StartupRepair.Result r = repair();

        assertEquals(1, r.duplicateFiles());
        assertEquals(0, r.filesReindexed());
        assertTrue(s.exists(second.key()));
        assertFalse(index.isIndexed("fs1", second.key()));
    }

    @Test
    void summaryInWords() {
        assertEquals("Startup check of storage fs1: 3 unfinished writes removed, 2 files re-indexed, "
                + "0 index entries without a file",
                new StartupRepair.Result("fs1", 3, 2, 0, false, 0, 0, 0).summary());
        assertEquals("Startup check of storage fs1: 1 unfinished write removed, 1 file re-indexed, "
                + "1 index entry without a file, 2 files holding an instance already indexed with another file "
                + "left in place",
                new StartupRepair.Result("fs1", 1, 1, 1, false, 0, 0, 2).summary());
    }
}
