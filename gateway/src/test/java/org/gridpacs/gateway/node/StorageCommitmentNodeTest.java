package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as Storage Commitment Push Model SCP, over DIMSE: the report on the requesting association after the
 * N-ACTION-RSP, failure reasons, a new association (with SCP role selection) once the requester has gone, a request
 * that survives a restart of the node, and the requests it refuses.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StorageCommitmentNodeTest {
    @TempDir
    Path tmp;
    RunningNode node;
    CommitmentProbe probe;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private List<DataSet> storeTwo(String patient) throws Exception {
        List<DataSet> sent = List.of(SyntheticInstances.ct(patient), SyntheticInstances.ct(patient));
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            for (DataSet ds : sent) {
                assertEquals(Status.SUCCESS, RunningNode.store(as, ds).status());
            }
            as.release();
        }
        return sent;
    }

    private static String[] sop(DataSet ds) {
        return new String[] {ds.getString(Tag.SOPClassUID), ds.getString(Tag.SOPInstanceUID)};
    }

    @Test
    void theReportFollowsOnTheRequestingAssociationWithEachFailureReason() throws Exception {
        node = RunningNode.start(tmp.resolve("node"), "commitment.waitSeconds=2");
        List<DataSet> sent = storeTwo("COMMIT-SAME");
        probe = new CommitmentProbe("MODALITY");
        try (Association as = probe.connect(RunningNode.HOST, node.port(), RunningNode.AET)) {
            long asked = System.nanoTime();
            DimseResponse rsp = CommitmentProbe.request(as, "2.25.7001", List.of(sop(sent.get(0)), sop(sent.get(1)),
                    new String[] {UID.CTImageStorage, "1.2.3.404"},
                    new String[] {UID.MRImageStorage, sent.get(0).getString(Tag.SOPInstanceUID)}));
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            CommitmentProbe.Report report = probe.next(30);
            assertNotNull(report, "no N-EVENT-REPORT");
            assertSame(as, report.association(), "the report came on the requesting association");
            assertTrue(System.nanoTime() - asked >= TimeUnit.SECONDS.toNanos(2),
                    "the missing instance was waited for commitment.waitSeconds before it was reported failed");
            assertEquals(2, report.eventTypeID());
            assertEquals("2.25.7001", report.transactionUID());
            assertEquals(RunningNode.AET, report.information().getString(Tag.RetrieveAETitle));
            assertEquals(List.of(sent.get(0).getString(Tag.SOPInstanceUID), sent.get(1).getString(Tag.SOPInstanceUID)),
                    report.committed());
            assertEquals(List.of("1.2.3.404:0112", sent.get(0).getString(Tag.SOPInstanceUID) + ":0119"),
                    report.failed());
            as.release();
        }
        node.stop();
        assertEquals("DONE", state("2.25.7001"));
    }

    @Test
    void allCommittedIsEventType1AndRepeatingTheRequestIsHarmless() throws Exception {
        node = RunningNode.start(tmp.resolve("node"));
        List<DataSet> sent = storeTwo("COMMIT-ALL");
        probe = new CommitmentProbe("MODALITY");
        try (Association as = probe.connect(RunningNode.HOST, node.port(), RunningNode.AET)) {
            List<String[]> both = List.of(sop(sent.get(0)), sop(sent.get(1)));
            assertEquals(Status.SUCCESS, CommitmentProbe.request(as, "2.25.7002", both).status());
            CommitmentProbe.Report report = probe.next(30);
            assertEquals(1, report.eventTypeID());
            assertEquals(2, report.committed().size());
            assertEquals(List.of(), report.failed());
            // answered (the node records that once our N-EVENT-REPORT-RSP is in, a moment after it reached us): the
            // Transaction UID may be used again, and is answered again
            Thread.sleep(500);
            assertEquals(Status.SUCCESS, CommitmentProbe.request(as, "2.25.7002", both).status());
            assertEquals(1, probe.next(30).eventTypeID());
            as.release();
        }
    }

    @Test
    void aRequesterThatLeftIsAnsweredOnANewAssociationEvenAfterARestart() throws Exception {
        int port = Ports.freeListenPort(); // bound only after the node's restart
        String[] settings = {"commitment.waitSeconds=600", "ae.MODALITY=127.0.0.1:" + port};
        node = RunningNode.start(tmp.resolve("node"), settings);
        List<DataSet> sent = storeTwo("COMMIT-NEW");
        // the third instance arrives only after the restart: until then the request cannot be answered, so it is
        // surely pending when the node stops (with all three stored, the report could reach us, and be confirmed,
        // on the requesting association in the moment before its release)
        DataSet late = SyntheticInstances.ct("COMMIT-NEW");
        probe = new CommitmentProbe("MODALITY");
        try (Association as = probe.connect(RunningNode.HOST, node.port(), RunningNode.AET)) {
            assertEquals(Status.SUCCESS, CommitmentProbe.request(as, "2.25.7003",
                    List.of(sop(sent.get(0)), sop(sent.get(1)), sop(late))).status());
            as.release();
        }
        node.stop();
        assertEquals("PENDING", state("2.25.7003"));
        assertEquals(List.of(), probe.received(), "no report while an instance is missing and the wait is not over");

        probe.listen(port);
        node = RunningNode.start(tmp.resolve("node"), settings);
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            assertEquals(Status.SUCCESS, RunningNode.store(as, late).status());
            as.release();
        }
        CommitmentProbe.Report report = probe.next(60);
        assertNotNull(report, "the restarted node did not answer the pending request");
        assertEquals(1, report.eventTypeID());
        assertEquals(3, report.committed().size());
        Association back = report.association();
        assertEquals(RunningNode.AET, back.callingAETitle(), "the node calls from its own AE title");
        assertEquals("MODALITY", back.calledAETitle());
        RoleSelection role = back.associateRQ().userInformation().roleSelection(UID.StorageCommitmentPushModel);
        assertNotNull(role, "the node proposes SCP/SCU role selection for the Push Model");
        assertTrue(role.scpRole() && !role.scuRole(), role.toString());
        node.stop();
        assertEquals("DONE", state("2.25.7003"));
    }

    @Test
    void badRequestsAreRefusedWithTheirStatus() throws Exception {
        node = RunningNode.start(tmp.resolve("node"));
        List<DataSet> sent = storeTwo("COMMIT-BAD");
        probe = new CommitmentProbe("MODALITY");
        try (Association as = probe.connect(RunningNode.HOST, node.port(), RunningNode.AET)) {
            DataSet info = new DataSet();
            info.setString(Tag.TransactionUID, VR.UI, "2.25.7004");
            info.newSequence(Tag.ReferencedSOPSequence).addItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2");
            assertEquals(0x0121, as.action(UID.StorageCommitmentPushModel, UID.StorageCommitmentPushModelInstance, 1,
                    info).status());
            assertEquals(Status.NO_SUCH_ACTION_TYPE, as.action(UID.StorageCommitmentPushModel,
                    UID.StorageCommitmentPushModelInstance, 2, info).status());
            assertEquals(0x0120, as.action(UID.StorageCommitmentPushModel, UID.StorageCommitmentPushModelInstance, 1,
                    new DataSet()).status());
            as.release();
        }
        // a pending Transaction UID asked again for something else: refused, the first one stands (the long wait
        // keeps the first pending while the second arrives)
        node.stop();
        node = RunningNode.start(tmp.resolve("node"), "commitment.waitSeconds=600");
        try (Association as = probe.connect(RunningNode.HOST, node.port(), RunningNode.AET)) {
            assertEquals(Status.SUCCESS, CommitmentProbe.request(as, "2.25.7005",
                    List.of(sop(sent.get(0)), new String[] {UID.CTImageStorage, "1.2.3.404"})).status());
            DimseResponse conflict = CommitmentProbe.request(as, "2.25.7005", List.<String[]>of(sop(sent.get(1))));
            assertEquals(Status.PROCESSING_FAILURE, conflict.status(), conflict.describe());
            assertTrue(conflict.errorComment().contains("0x0131"), conflict.describe());
            as.release();
        }
    }

    /** The state of a request in the stopped node's index. */
    private String state(String transactionUID) throws Exception {
        try (Connection c = node.openIndex(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT state FROM commitment_request WHERE transaction_uid = '" + transactionUID + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
