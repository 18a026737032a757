package org.gridpacs.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.dicom.net.pdu.UserInformation;
import org.junit.jupiter.api.Test;

/**
 * N-ACTION and N-EVENT-REPORT as in Storage Commitment (PS3.4 J): the SCU asks for commitment with
 * N-ACTION, the SCP answers and then reports the result with N-EVENT-REPORT on the same association.
 */
class NormalizedServicesTest {
    private static final String COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1";

    @Test
    void storageCommitmentRequestAndEventReport() throws Exception {
        BlockingQueue<DataSet> actions = new ArrayBlockingQueue<>(1);
        Services scp = new Services().action((rq, info) -> {
            assertEquals(1, rq.command().getInt(Tag.ActionTypeID, 0));
            assertEquals("COMMITSCU", rq.callingAETitle());
            actions.add(info);
            // report the result on the same association once the N-ACTION response has gone out
            new Thread(() -> {
                try {
                    Thread.sleep(100);
                    DataSet result = new DataSet();
                    result.setString(Tag.TransactionUID, VR.UI, info.getString(Tag.TransactionUID));
                    DimseResponse r = rq.association().eventReport(UID.StorageCommitmentPushModel,
                            COMMITMENT_INSTANCE, 1, result);
                    assertEquals(Status.SUCCESS, r.status());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).start();
            return null;
        });
        AcceptPolicy policy = new AcceptPolicy("COMMITSCP").accept(UID.StorageCommitmentPushModel, UID.ImplicitVRLittleEndian);
        try (DicomServer server = new DicomServer(NetworkSettings.DEFAULT, policy, scp)
                .start(InetAddress.getLoopbackAddress(), 0)) {
            BlockingQueue<DataSet> reports = new ArrayBlockingQueue<>(1);
            Services scu = new Services().eventReport((rq, info) -> {
                assertEquals(1, rq.command().getInt(Tag.EventTypeID, 0));
                reports.add(info);
                return null;
            });
            AAssociateRQ rq = new AAssociateRQ("COMMITSCU", "COMMITSCP");
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel, UID.ImplicitVRLittleEndian));
            rq.setUserInformation(new UserInformation()
                    .addRoleSelection(new RoleSelection(UID.StorageCommitmentPushModel, true, true)));
            try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", server.port(), rq, scu)) {
                DataSet info = new DataSet();
                info.setString(Tag.TransactionUID, VR.UI, "1.2.3.99");
                DataSet ref = info.newSequence(Tag.ReferencedSOPSequence).addItem();
                ref.setString(Tag.ReferencedSOPClassUID, VR.UI, UID.CTImageStorage);
                ref.setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4");
                DimseResponse rsp = as.action(UID.StorageCommitmentPushModel, COMMITMENT_INSTANCE, 1, info);
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
                DataSet received = actions.poll(5, TimeUnit.SECONDS);
                assertNotNull(received);
                assertEquals("1.2.3.4", received.getItem(Tag.ReferencedSOPSequence).getString(Tag.ReferencedSOPInstanceUID));
                DataSet report = reports.poll(5, TimeUnit.SECONDS);
                assertNotNull(report, "no N-EVENT-REPORT arrived");
                assertEquals("1.2.3.99", report.getString(Tag.TransactionUID));
                assertTrue(as.isOpen());
            }
        }
    }

    /** An {@link Handlers.AfterResponse} handler hears of its N-ACTION-RSP only once it went out, and not of a failure. */
    @Test
    void theAfterResponseHookRunsOnceTheSuccessfulResponseIsSent() throws Exception {
        BlockingQueue<String> events = new ArrayBlockingQueue<>(4);
        Services scp = new Services().action(new Handlers.AfterResponse() {
            @Override
            public DataSet handle(DimseRequest request, DataSet information) throws DimseException {
                if (information.getString(Tag.TransactionUID) == null) {
                    throw new DimseException(0x0120, "no Transaction UID");
                }
                events.add("handled");
                return null;
            }

            @Override
            public void responded(DimseRequest request, DataSet information) {
                events.add("responded " + information.getString(Tag.TransactionUID));
            }
        });
        AcceptPolicy policy = new AcceptPolicy("COMMITSCP").accept(UID.StorageCommitmentPushModel, UID.ImplicitVRLittleEndian);
        try (DicomServer server = new DicomServer(NetworkSettings.DEFAULT, policy, scp)
                .start(InetAddress.getLoopbackAddress(), 0)) {
            AAssociateRQ rq = new AAssociateRQ("COMMITSCU", "COMMITSCP");
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel, UID.ImplicitVRLittleEndian));
            try (Association as = new Connector(NetworkSettings.DEFAULT).connect("127.0.0.1", server.port(), rq, null)) {
                assertEquals(0x0120, as.action(UID.StorageCommitmentPushModel, COMMITMENT_INSTANCE, 1, new DataSet()).status());
                DataSet info = new DataSet();
                info.setString(Tag.TransactionUID, VR.UI, "1.2.3.98");
                assertEquals(Status.SUCCESS, as.action(UID.StorageCommitmentPushModel, COMMITMENT_INSTANCE, 1, info).status());
                assertEquals("handled", events.poll(5, TimeUnit.SECONDS));
                assertEquals("responded 1.2.3.98", events.poll(5, TimeUnit.SECONDS));
                assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "the refused request was not followed up");
                as.release();
            }
        }
    }
}
