package org.gridpacs.archive.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.TestArchive;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.DestinationTransforms;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * C-MOVE builds a retrieve context per request: the transform configured for one move destination is applied to
 * what that destination gets; another destination gets the stored bytes unchanged.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RetrieveScpTransformTest {
    @TempDir
    Path dir;
    TestArchive archive;
    DicomServer dest;
    DicomServer research;
    DicomServer scp;
    /** What each destination received: AE title -> SOP Instance UID -> data set bytes. */
    final Map<String, Map<String, byte[]>> received = new ConcurrentHashMap<>();
    final Map<String, String> receivedSyntax = new ConcurrentHashMap<>();

    final TestInstances.Study study = new TestInstances.Study("P4", "Move^Test", null, "4.4.4", "20240404",
            "080000", null, null, List.of("CT"), 3);

    /** Only the research site gets the Patient's Name replaced. */
    static final DestinationTransforms TRANSFORMS = d -> d.equals(Destination.moveDestination("RESEARCH"))
            ? header -> {
                header.setString(Tag.PatientName, VR.PN, "ANONYMOUS");
                return header;
            }
            : DataSetTransform.IDENTITY;

    @BeforeEach
    void start() throws Exception {
        archive = new TestArchive(dir);
        for (int i = 0; i < 3; i++) {
            DataSet ds = TestArchive.withPixels(study, 0, i);
            archive.store.store(TestArchive.request(ds), TestArchive.encoded(ds));
        }
        dest = destination("DEST");
        research = destination("RESEARCH");
        ApplicationEntities entities = new ApplicationEntities(Map.of(
                "DEST", new ApplicationEntities.KnownAE("DEST", "127.0.0.1", dest.port(), false, false, false),
                "RESEARCH", new ApplicationEntities.KnownAE("RESEARCH", "127.0.0.1", research.port(), false, false,
                        false)), true);
        RetrieveScp retrieve = new RetrieveScp(archive.retrieve, entities, "ARCHIVE",
                new Connector(NetworkSettings.DEFAULT), TRANSFORMS);
        scp = new DicomServer(NetworkSettings.DEFAULT, new AcceptPolicy("ARCHIVE")
                .accept(UID.StudyRootQueryRetrieveInformationModelMove, UID.ExplicitVRLittleEndian),
                new Services().move(retrieve)).start(InetAddress.getLoopbackAddress(), 0);
    }

    private DicomServer destination(String aet) throws Exception {
        Services services = new Services().store((rq, data) -> {
            received.computeIfAbsent(aet, k -> new ConcurrentHashMap<>()).put(rq.sopInstanceUID(), data.readAllBytes());
            receivedSyntax.put(rq.sopInstanceUID(), rq.transferSyntaxUID());
            return Status.SUCCESS;
        });
        return new DicomServer(NetworkSettings.DEFAULT, new AcceptPolicy(aet).accept(AcceptPolicy.ANY,
                UID.ExplicitVRLittleEndian), services).start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        scp.close();
        dest.close();
        research.close();
        archive.close();
    }

    private DimseResponse move(String destination) throws Exception {
        AAssociateRQ rq = new AAssociateRQ("VIEWER", "ARCHIVE");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.ExplicitVRLittleEndian));
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, study.studyUID());
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", scp.port(), rq, null)) {
            DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, destination, keys, p -> {
            });
            as.release();
            return rsp;
        }
    }

    @Test
    void theTransformReachesItsDestinationOnlyAndTheOtherGetsTheStoredBytes() throws Exception {
        assertEquals(Status.SUCCESS, move("DEST").status());
        assertEquals(Status.SUCCESS, move("RESEARCH").status());

        for (IndexedInstance i : archive.study(study.studyUID())) {
            String sop = i.sopInstanceUID();
            assertArrayEquals(stored(i), received.get("DEST").get(sop), "DEST got " + sop + " as stored");
            DataSet deidentified = parse(received.get("RESEARCH").get(sop), receivedSyntax.get(sop));
            assertEquals("ANONYMOUS", deidentified.getString(Tag.PatientName));
            DataSet original = parse(stored(i), i.transferSyntaxUID());
            original.setString(Tag.PatientName, VR.PN, "ANONYMOUS");
            TestArchive.assertSameDataSet(original, deidentified, "RESEARCH got " + sop + " changed in its name only");
        }
    }

    private byte[] stored(IndexedInstance instance) throws Exception {
        try (InputStream in = new BufferedInputStream(archive.storage.open(instance.locations().get(0).storageKey()))) {
            FileMetaInformation.read(in);
            return in.readAllBytes();
        }
    }

    private static DataSet parse(byte[] bytes, String ts) throws Exception {
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes));
        in.setTransferSyntax(TransferSyntax.of(ts));
        return in.readDataSet();
    }
}
