package org.gridpacs.dicom.interop;

import static org.gridpacs.dicom.interop.Interop.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.interop.Interop.Instance;
import org.gridpacs.dicom.interop.Interop.Outcome;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.testutil.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/** Our SCU against Orthanc: C-ECHO, C-STORE, C-FIND at study level, C-MOVE to our SCP, and C-GET. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
@ProcessTest
class OrthancInteropTest {
    private static final String ORTHANC = "ORTHANC";
    private static final String SCU = "GRIDSCU";
    private static final String RCV = "GRIDRCV";

    private Path tmp;
    private Peers.Peer orthanc;
    private DicomServer receiver;
    private Path received;
    private List<Instance> ctSeries;
    private Instance jpeg;
    private Instance rle;
    private Instance deflated;
    private Instance rtplan;
    private final List<Instance> all = new ArrayList<>();

    @BeforeAll
    void startAndStore(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/Orthanc"))) {
            throw new IllegalStateException("Orthanc is not installed (apt-get install orthanc)");
        }
        tmp = dir;
        Instance ct = Instance.pydicom("CT_small.dcm");
        ctSeries = List.of(ct, ct.derive(ct.sopInstanceUID() + ".2", 2, UID.ImplicitVRLittleEndian),
                ct.derive(ct.sopInstanceUID() + ".3", 3, UID.ExplicitVRBigEndian));
        jpeg = Instance.pydicom("SC_rgb_jpeg_dcmtk.dcm");
        rle = Instance.pydicom("MR_small_RLE.dcm");
        deflated = Instance.pydicom("image_dfl.dcm");
        rtplan = Instance.pydicom("rtplan.dcm");
        all.addAll(ctSeries);
        all.addAll(List.of(jpeg, rle, deflated, rtplan));

        received = Files.createDirectories(tmp.resolve("received"));
        receiver = new DicomServer(Interop.SETTINGS, new AcceptPolicy(RCV).accept(AcceptPolicy.ANY, AcceptPolicy.ANY),
                new Services().store(Interop.folderStore(received))).start(InetAddress.getLoopbackAddress(), 0);
        orthanc = Peers.orthanc(tmp.resolve("orthanc"), ORTHANC, Map.of(
                "gridscu", new Peers.Modality(SCU, Peers.HOST, receiver.port()),
                "gridrcv", new Peers.Modality(RCV, Peers.HOST, receiver.port())));

        try (Association as = connect(Interop.storeRQ(SCU, ORTHANC, all), null)) {
            assertEquals(Status.SUCCESS, as.echo().status(), "C-ECHO");
            for (Instance i : all) {
                DimseResponse rsp = i.storeOn(as);
                assertEquals(Status.SUCCESS, rsp.status(), i.name() + ": " + rsp.describe() + "\n" + orthanc.logTail());
            }
        }
    }

    @AfterAll
    void stop() {
        try {
            if (orthanc != null) {
                orthanc.close();
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    private Association connect(AAssociateRQ rq, Services services) throws IOException {
        return new Connector(Interop.SETTINGS).connect(Peers.HOST, orthanc.port(), rq, services);
    }

    private static String study(Instance i) {
        return i.dataSet().getString(Tag.StudyInstanceUID);
    }

    @Test
    void wrongCalledAETitleIsRejected() {
        AAssociateRQ rq = Interop.storeRQ(SCU, "NOT_ORTHANC", List.of());
        org.gridpacs.dicom.net.AssociationRejectedException e = assertThrows(
                org.gridpacs.dicom.net.AssociationRejectedException.class, () -> connect(rq, null));
        assertTrue(e.getMessage().contains("called AE title not recognized"), e.getMessage());
    }

    @Test
    void findStudies() throws Exception {
        AAssociateRQ rq = new AAssociateRQ(SCU, ORTHANC);
        Interop.addContexts(rq, 1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.PatientRootQueryRetrieveInformationModelFind);
        try (Association as = connect(rq, null)) {
            Outcome byName = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.PatientName, "compressedsamples*", Tag.PatientID, null,
                            Tag.StudyInstanceUID, null, Tag.StudyDate, null));
            assertEquals(Status.SUCCESS, byName.last().status(), byName.last().describe());
            assertEquals(List.of(study(ctSeries.get(0)), study(rle)).stream().sorted().toList(),
                    byName.values(Tag.StudyInstanceUID));
            assertEquals(List.of("1CT1", "4MR1"), byName.values(Tag.PatientID));
            for (DataSet m : byName.matches()) {
                assertEquals("STUDY", m.getString(Tag.QueryRetrieveLevel));
                assertEquals(m.getString(Tag.PatientID).equals("1CT1") ? "20040119" : "20040826",
                        m.getString(Tag.StudyDate));
            }

            Outcome byUid = Interop.find(as, UID.PatientRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.PatientID, "id00001", Tag.StudyInstanceUID, study(rtplan), Tag.StudyID, null,
                            Tag.StudyDate, null));
            assertEquals(Status.SUCCESS, byUid.last().status(), byUid.last().describe());
            assertEquals(1, byUid.matches().size());
            assertEquals("study1", byUid.matches().get(0).getString(Tag.StudyID));
            assertEquals("20030716", byUid.matches().get(0).getString(Tag.StudyDate));

            Outcome dateRange = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.StudyDate, "20040101-20041231", Tag.StudyInstanceUID, null));
            assertEquals(List.of(study(ctSeries.get(0)), study(rle)).stream().sorted().toList(),
                    dateRange.values(Tag.StudyInstanceUID));
        }
    }

    @Test
    void moveToOurScp() throws Exception {
        AAssociateRQ rq = new AAssociateRQ(SCU, ORTHANC);
        Interop.addContexts(rq, 1, UID.StudyRootQueryRetrieveInformationModelMove);
        String ctSeriesUid = ctSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID);
        try (Association as = connect(rq, null)) {
            Outcome series = Interop.move(as, UID.StudyRootQueryRetrieveInformationModelMove, RCV,
                    keys("SERIES", Tag.StudyInstanceUID, study(ctSeries.get(0)), Tag.SeriesInstanceUID, ctSeriesUid));
            assertEquals(Status.SUCCESS, series.last().status(), series.last().describe() + "\n" + orthanc.logTail());
            assertEquals(3, series.last().completed(), "completed sub-operations");
            assertEquals(0, series.last().failed());
            assertFalse(series.pending().isEmpty(), "pending responses");
            for (DimseResponse p : series.pending()) {
                assertEquals(Status.PENDING, p.status());
                assertEquals(3, p.remaining() + p.completed() + p.failed() + p.warning(), "counts: " + p.command());
            }
            Outcome compressed = Interop.move(as, UID.StudyRootQueryRetrieveInformationModelMove, RCV,
                    keys("STUDY", Tag.StudyInstanceUID, study(rle)));
            assertEquals(Status.SUCCESS, compressed.last().status(), compressed.last().describe());
            assertEquals(1, compressed.last().completed());
        }
        Map<String, Instance> got = Interop.readFolder(received);
        Interop.assertReceived(ctSeries, got, false);
        // compressed: Orthanc proposes the stored syntax and we accept it, so nothing is transcoded
        Interop.assertReceived(List.of(rle), got, true);
    }

    @Test
    void getOntoTheQueryingAssociation() throws Exception {
        Path getDir = Files.createDirectories(tmp.resolve("get"));
        List<Instance> wanted = List.of(jpeg, deflated, rtplan, rle);
        AAssociateRQ rq = new AAssociateRQ(SCU, ORTHANC);
        int next = Interop.addContexts(rq, 1, UID.StudyRootQueryRetrieveInformationModelGet);
        Interop.addGetStorageContexts(rq, next, wanted, Interop.UNCOMPRESSED);
        try (Association as = connect(rq, new Services().store(Interop.folderStore(getDir)))) {
            for (Instance i : wanted) {
                Outcome get = Interop.get(as, UID.StudyRootQueryRetrieveInformationModelGet,
                        keys("STUDY", Tag.StudyInstanceUID, study(i)));
                assertEquals(Status.SUCCESS, get.last().status(), i.name() + ": " + get.last().describe()
                        + "\n" + orthanc.logTail());
                assertEquals(1, get.last().completed(), i.name());
                assertEquals(0, get.last().failed(), i.name());
            }
        }
        Map<String, Instance> got = Interop.readFolder(getDir);
        assertEquals(wanted.size(), got.size());
        assertTrue(got.keySet().containsAll(wanted.stream().map(Instance::sopInstanceUID).toList()));
        // we proposed each compressed instance's own syntax, so Orthanc sends them unchanged; for the
        // uncompressed one it chose among the uncompressed syntaxes we offered
        Interop.assertReceived(List.of(jpeg, deflated, rle), got, true);
        Interop.assertReceived(List.of(rtplan), got, false);
    }
}
