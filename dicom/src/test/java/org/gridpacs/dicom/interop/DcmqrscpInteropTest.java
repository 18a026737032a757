package org.gridpacs.dicom.interop;

import static org.gridpacs.dicom.interop.Interop.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Peers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * Our SCU against DCMTK dcmqrscp: C-STORE into its database, C-FIND at every level of the Patient Root
 * and Study Root models, C-MOVE to our own SCP, and C-GET onto the querying association.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
@ProcessTest
class DcmqrscpInteropTest {
    private static final String QR = "QRSCP";
    private static final String SCU = "GRIDSCU";
    private static final String RCV = "GRIDRCV";

    private Path tmp;

    private Peers.Peer dcmqrscp;
    private DicomServer receiver;
    private Path received;
    private Instance ct;
    private Instance rtplan;
    private List<Instance> mrSeries;
    private final List<Instance> all = new ArrayList<>();

    @BeforeAll
    void startAndStore(@TempDir Path dir) throws Exception {
        Dcmtk.require();
        tmp = dir;
        ct = Instance.pydicom("CT_small.dcm");                       // explicit VR little endian
        rtplan = Instance.pydicom("rtplan.dcm");                      // implicit VR little endian
        Instance mr = Instance.pydicom("MR_small.dcm");               // explicit VR little endian
        String uid = mr.sopInstanceUID();
        mrSeries = List.of(mr, mr.derive(uid + ".2", 2, UID.ImplicitVRLittleEndian),
                mr.derive(uid + ".3", 3, UID.ExplicitVRBigEndian));
        all.add(ct);
        all.add(rtplan);
        all.addAll(mrSeries);

        received = Files.createDirectories(tmp.resolve("received"));
        receiver = new DicomServer(Interop.SETTINGS, new AcceptPolicy(RCV).accept(AcceptPolicy.ANY, AcceptPolicy.ANY),
                new Services().store(Interop.folderStore(received))).start(InetAddress.getLoopbackAddress(), 0);
        dcmqrscp = Peers.dcmqrscp(tmp.resolve("dcmqrscp"), QR,
                List.of(new Peers.Remote(SCU, receiver.port()), new Peers.Remote(RCV, receiver.port())));

        try (Association as = connect(Interop.storeRQ(SCU, QR, all))) {
            assertEquals(Status.SUCCESS, as.echo().status(), "C-ECHO");
            for (Instance i : all) {
                DimseResponse rsp = i.storeOn(as);
                assertEquals(Status.SUCCESS, rsp.status(), i.name() + ": " + rsp.describe() + "\n" + dcmqrscp.logTail());
            }
        }
    }

    @AfterAll
    void stop() {
        try {
            if (dcmqrscp != null) {
                dcmqrscp.close();
            }
        } finally {
            if (receiver != null) {
                receiver.close();
            }
        }
    }

    private Association connect(AAssociateRQ rq) throws IOException {
        return connect(rq, null);
    }

    private Association connect(AAssociateRQ rq, Services services) throws IOException {
        return new Connector(Interop.SETTINGS).connect(Peers.HOST, dcmqrscp.port(), rq, services);
    }

    private AAssociateRQ queryRQ() {
        AAssociateRQ rq = new AAssociateRQ(SCU, QR);
        Interop.addContexts(rq, 1, UID.PatientRootQueryRetrieveInformationModelFind,
                UID.StudyRootQueryRetrieveInformationModelFind, UID.PatientRootQueryRetrieveInformationModelMove,
                UID.StudyRootQueryRetrieveInformationModelMove);
        return rq;
    }

    @Test
    void storedFilesAreTheOriginals() throws IOException {
        // dcmqrscp keeps each object in the transfer syntax it was sent in
        Interop.assertReceived(all, Interop.readFolder(dcmqrscp.files()), true);
    }

    @Test
    void findAtEachLevel() throws Exception {
        String mrStudy = mrSeries.get(0).dataSet().getString(Tag.StudyInstanceUID);
        String mrSeriesUid = mrSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID);
        try (Association as = connect(queryRQ())) {
            // Patient Root, PATIENT level, wildcard on the name
            Outcome patients = Interop.find(as, UID.PatientRootQueryRetrieveInformationModelFind,
                    keys("PATIENT", Tag.PatientName, "Compressed*", Tag.PatientID, null));
            assertEquals(Status.SUCCESS, patients.last().status(), patients.last().describe());
            assertEquals(List.of("1CT1", "4MR1"), patients.values(Tag.PatientID));
            assertEquals(List.of("CompressedSamples^CT1", "CompressedSamples^MR1"), patients.values(Tag.PatientName));
            for (DataSet m : patients.matches()) {
                assertEquals("PATIENT", m.getString(Tag.QueryRetrieveLevel));
            }

            // Patient Root, STUDY level under one patient
            Outcome studies = Interop.find(as, UID.PatientRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.PatientID, "id00001", Tag.StudyInstanceUID, null, Tag.StudyDate, null,
                            Tag.StudyID, null));
            assertEquals(Status.SUCCESS, studies.last().status());
            assertEquals(1, studies.matches().size());
            DataSet study = studies.matches().get(0);
            assertEquals(rtplan.dataSet().getString(Tag.StudyInstanceUID), study.getString(Tag.StudyInstanceUID));
            assertEquals("20030716", study.getString(Tag.StudyDate));
            assertEquals("study1", study.getString(Tag.StudyID));

            // Study Root, STUDY level: a wildcard matching every study, and a date range
            Outcome allStudies = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.StudyInstanceUID, null, Tag.PatientName, "*", Tag.StudyDate, "20040101-"));
            assertEquals(Status.SUCCESS, allStudies.last().status());
            assertEquals(List.of(ct.dataSet().getString(Tag.StudyInstanceUID), mrStudy).stream().sorted().toList(),
                    allStudies.values(Tag.StudyInstanceUID));

            // Study Root, SERIES level
            Outcome series = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("SERIES", Tag.StudyInstanceUID, mrStudy, Tag.SeriesInstanceUID, null, Tag.Modality, null));
            assertEquals(Status.SUCCESS, series.last().status());
            assertEquals(List.of(mrSeriesUid), series.values(Tag.SeriesInstanceUID));
            assertEquals("MR", series.matches().get(0).getString(Tag.Modality));

            // Study Root, IMAGE level: the three instances of the series, with their numbers
            Outcome images = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("IMAGE", Tag.StudyInstanceUID, mrStudy, Tag.SeriesInstanceUID, mrSeriesUid,
                            Tag.SOPInstanceUID, null, Tag.InstanceNumber, null));
            assertEquals(Status.SUCCESS, images.last().status());
            assertEquals(mrSeries.stream().map(Instance::sopInstanceUID).sorted().toList(),
                    images.values(Tag.SOPInstanceUID));
            for (DataSet m : images.matches()) {
                String n = m.getString(Tag.InstanceNumber).trim();
                String expected = m.getString(Tag.SOPInstanceUID).endsWith(".2") ? "2"
                        : m.getString(Tag.SOPInstanceUID).endsWith(".3") ? "3" : "1";
                assertEquals(expected, n, "Instance Number of " + m.getString(Tag.SOPInstanceUID));
            }

            // Patient Root, IMAGE level (the CT), and a query that matches nothing
            Outcome ctImage = Interop.find(as, UID.PatientRootQueryRetrieveInformationModelFind,
                    keys("IMAGE", Tag.PatientID, "1CT1", Tag.StudyInstanceUID, ct.dataSet().getString(Tag.StudyInstanceUID),
                            Tag.SeriesInstanceUID, ct.dataSet().getString(Tag.SeriesInstanceUID), Tag.SOPInstanceUID, null));
            assertEquals(List.of(ct.sopInstanceUID()), ctImage.values(Tag.SOPInstanceUID));
            Outcome none = Interop.find(as, UID.StudyRootQueryRetrieveInformationModelFind,
                    keys("STUDY", Tag.PatientName, "Nobody*", Tag.StudyInstanceUID, null));
            assertEquals(Status.SUCCESS, none.last().status());
            assertTrue(none.matches().isEmpty());
        }
    }

    @Test
    void moveSeriesToOurScp() throws Exception {
        String mrStudy = mrSeries.get(0).dataSet().getString(Tag.StudyInstanceUID);
        String mrSeriesUid = mrSeries.get(0).dataSet().getString(Tag.SeriesInstanceUID);
        try (Association as = connect(queryRQ())) {
            Outcome move = Interop.move(as, UID.StudyRootQueryRetrieveInformationModelMove, RCV,
                    keys("SERIES", Tag.StudyInstanceUID, mrStudy, Tag.SeriesInstanceUID, mrSeriesUid));
            assertEquals(Status.SUCCESS, move.last().status(), move.last().describe() + "\n" + dcmqrscp.logTail());
            assertEquals(3, move.last().completed(), "completed sub-operations");
            assertEquals(0, move.last().failed());
            assertFalse(move.pending().isEmpty(), "pending responses");
            int previousRemaining = Integer.MAX_VALUE;
            for (DimseResponse p : move.pending()) {
                assertEquals(Status.PENDING, p.status());
                assertEquals(3, p.remaining() + p.completed() + p.failed() + p.warning(),
                        "sub-operation counts add up: " + p.command());
                assertTrue(p.remaining() < previousRemaining, "remaining decreases");
                previousRemaining = p.remaining();
            }
            // C-MOVE of one instance, at IMAGE level, through the Patient Root model
            Outcome one = Interop.move(as, UID.PatientRootQueryRetrieveInformationModelMove, RCV,
                    keys("IMAGE", Tag.PatientID, "id00001", Tag.StudyInstanceUID, rtplan.dataSet().getString(Tag.StudyInstanceUID),
                            Tag.SeriesInstanceUID, rtplan.dataSet().getString(Tag.SeriesInstanceUID),
                            Tag.SOPInstanceUID, rtplan.sopInstanceUID()));
            assertEquals(Status.SUCCESS, one.last().status(), one.last().describe());
            assertEquals(1, one.last().completed());
            // an unknown destination is refused
            Outcome unknown = Interop.move(as, UID.StudyRootQueryRetrieveInformationModelMove, "NOWHERE",
                    keys("STUDY", Tag.StudyInstanceUID, mrStudy));
            assertEquals(Status.MOVE_DESTINATION_UNKNOWN, unknown.last().status(), unknown.last().describe());
        }
        List<Instance> expected = new ArrayList<>(mrSeries);
        expected.add(rtplan);
        Map<String, Instance> got = Interop.readFolder(received);
        // dcmqrscp proposes the uncompressed syntaxes for the sub-operations; the content must not change
        Interop.assertReceived(expected, got, false);
    }

    @Test
    void getSeriesOntoTheQueryingAssociation() throws Exception {
        Path getDir = Files.createDirectories(tmp.resolve("get"));
        String mrStudy = mrSeries.get(0).dataSet().getString(Tag.StudyInstanceUID);
        AAssociateRQ rq = new AAssociateRQ(SCU, QR);
        int next = Interop.addContexts(rq, 1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.PatientRootQueryRetrieveInformationModelGet);
        List<Instance> wanted = new ArrayList<>(mrSeries);
        wanted.add(ct);
        Interop.addGetStorageContexts(rq, next, wanted, Interop.UNCOMPRESSED);
        try (Association as = connect(rq, new Services().store(Interop.folderStore(getDir)))) {
            Outcome get = Interop.get(as, UID.StudyRootQueryRetrieveInformationModelGet,
                    keys("STUDY", Tag.StudyInstanceUID, mrStudy));
            assertEquals(Status.SUCCESS, get.last().status(), get.last().describe() + "\n" + dcmqrscp.logTail());
            assertEquals(3, get.last().completed());
            assertEquals(0, get.last().failed());
            for (DimseResponse p : get.pending()) {
                assertEquals(3, p.remaining() + p.completed() + p.failed() + p.warning());
            }
            Outcome one = Interop.get(as, UID.PatientRootQueryRetrieveInformationModelGet,
                    keys("PATIENT", Tag.PatientID, "1CT1"));
            assertEquals(Status.SUCCESS, one.last().status(), one.last().describe());
            assertEquals(1, one.last().completed());
        } catch (org.gridpacs.dicom.net.NoPresentationContextException e) {
            throw new AssertionError("no presentation context: " + e.getMessage() + "\n" + dcmqrscp.logTail(), e);
        }
        Interop.assertReceived(wanted, Interop.readFolder(getDir), false);
    }
}
