package org.gridpacs.archive.retrieve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.TestArchive;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A retrieve that is not DIMSE (WADO-RS, export) reads a study through the retrieve service with a context of its
 * own; the transform configured for one destination changes what that destination gets, and no other.
 */
class RetrieveContextTest {
    @TempDir
    Path dir;
    TestArchive archive;

    final TestInstances.Study study = new TestInstances.Study("P3", "Context^Test", "19700101", "3.3.3", "20240303",
            "120000", "ACC3", null, List.of("CT", "CT"), 2);
    final List<DataSet> sent = new ArrayList<>();

    static final Requester WEB_USER = new Requester(null, "alice", "127.0.0.1:50000");
    static final Destination RESEARCH = Destination.exportSite("RESEARCH");
    static final AcceptedTransferSyntaxes EXPLICIT = AcceptedTransferSyntaxes.always(List.of(UID.ExplicitVRLittleEndian));

    /** The research export gets a de-identified Patient's Name; every other destination the instances as stored. */
    static final DestinationTransforms TRANSFORMS = destination -> destination.equals(RESEARCH)
            ? header -> {
                header.setString(Tag.PatientName, VR.PN, "ANONYMOUS");
                return header;
            }
            : DataSetTransform.IDENTITY;

    @BeforeEach
    void open() throws Exception {
        archive = new TestArchive(dir);
        for (int s = 0; s < 2; s++) {
            for (int i = 0; i < 2; i++) {
                DataSet ds = TestArchive.withPixels(study, s, i);
                archive.store.store(TestArchive.request(ds), TestArchive.encoded(ds));
                sent.add(ds);
            }
        }
    }

    @AfterEach
    void close() {
        archive.close();
    }

    @Test
    void anHttpClientReadsAStudyThroughTheServiceWithItsContext() throws Exception {
        RetrieveContext wado = RetrieveContext.of(WEB_USER, Destination.httpClient("127.0.0.1:50000"), EXPLICIT,
                TRANSFORMS);
        List<IndexedInstance> instances = archive.study(study.studyUID());
        assertEquals(4, instances.size());
        for (int k = 0; k < instances.size(); k++) {
            TestArchive.Sent s = archive.read(wado, instances.get(k));
            assertEquals(UID.ExplicitVRLittleEndian, s.transferSyntaxUID());
            TestArchive.assertSameDataSet(sent.get(k), s.dataSet(), "instance " + k);
        }
    }

    @Test
    void theTransformOfOneDestinationChangesWhatItGetsOnly() throws Exception {
        IndexedInstance first = archive.study(study.studyUID()).get(0);
        TestArchive.Sent research = archive.read(RetrieveContext.of(WEB_USER, RESEARCH, EXPLICIT, TRANSFORMS), first);
        DataSet deidentified = research.dataSet();
        assertEquals("ANONYMOUS", deidentified.getString(Tag.PatientName));
        DataSet expected = sent.get(0).copy();
        expected.setString(Tag.PatientName, VR.PN, "ANONYMOUS");
        TestArchive.assertSameDataSet(expected, deidentified, "only the Patient's Name changed, the pixel data came through");

        // a C-MOVE destination, with the same transforms configured: bytes as stored, never parsed
        RetrieveContext move = RetrieveContext.of(new Requester("WORKSTATION", null, null),
                Destination.moveDestination("VIEWER"), EXPLICIT, TRANSFORMS);
        assertArrayEquals(storedDataSet(first), archive.read(move, first).bytes());
        assertEquals("Context^Test", archive.read(move, first).dataSet().getString(Tag.PatientName));
    }

    @Test
    void aTransformedInstanceIsConvertedToWhatTheDestinationAccepts() throws Exception {
        IndexedInstance first = archive.study(study.studyUID()).get(0);
        RetrieveContext implicit = RetrieveContext.of(WEB_USER, RESEARCH,
                AcceptedTransferSyntaxes.always(List.of(UID.ImplicitVRLittleEndian)), TRANSFORMS);
        TestArchive.Sent s = archive.read(implicit, first);
        assertEquals(UID.ImplicitVRLittleEndian, s.transferSyntaxUID());
        DataSet back = s.dataSet();
        assertEquals("ANONYMOUS", back.getString(Tag.PatientName));
        assertArrayEquals(sent.get(0).getBytes(Tag.PixelData), back.getBytes(Tag.PixelData));
    }

    @Test
    void aTransformThatGivesNewUIDsNamesThemForTheRequest() throws Exception {
        IndexedInstance first = archive.study(study.studyUID()).get(0);
        DestinationTransforms newUids = destination -> header -> {
            header.setString(Tag.SOPInstanceUID, VR.UI, "2.25.1234");
            return header;
        };
        TestArchive.Sent s = archive.read(RetrieveContext.of(WEB_USER, RESEARCH, EXPLICIT, newUids), first);
        assertEquals("2.25.1234", s.sopInstanceUID());
        assertEquals("2.25.1234", s.dataSet().getString(Tag.SOPInstanceUID));
    }

    @Test
    void aDestinationThatAcceptsNothingUsableIsTold() throws Exception {
        IndexedInstance first = archive.study(study.studyUID()).get(0);
        RetrieveContext none = RetrieveContext.of(WEB_USER, RESEARCH, cuid -> List.of(), TRANSFORMS);
        assertThrows(NoAcceptableTransferSyntaxException.class, () -> archive.retrieve.open(none, first));
        RetrieveContext jpeg = RetrieveContext.of(WEB_USER, RESEARCH,
                AcceptedTransferSyntaxes.always(List.of(UID.JPEGBaseline8Bit)), TRANSFORMS);
        assertThrows(NoAcceptableTransferSyntaxException.class, () -> archive.retrieve.open(jpeg, first));
    }

    /** The stored object's data set (after its File Meta Information), as it lies in storage. */
    private byte[] storedDataSet(IndexedInstance instance) throws Exception {
        try (InputStream in = new java.io.BufferedInputStream(archive.storage.open(instance.locations().get(0).storageKey()))) {
            FileMetaInformation.read(in);
            return in.readAllBytes();
        }
    }
}
