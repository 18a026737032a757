package org.gridpacs.dicom.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Peers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * C-CANCEL of a C-FIND whose SCP produces matches slowly: by our SCU and by DCMTK findscu against our SCP.
 * The operation ends with status Cancel (0xFE00) soon after, and the association stays usable.
 */
@Timeout(30)
@ProcessTest
class CFindCancelTest {
    private static final int MATCHES = 50;
    private static final long DELAY_MS = 50;

    private DicomServer server;
    /** How many matches the handler managed to send for each C-FIND, and whether it saw the cancel. */
    private final List<Integer> produced = new CopyOnWriteArrayList<>();
    private final AtomicInteger sawCancel = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        AtomicInteger finds = new AtomicInteger();
        Services services = new Services().find((rq, keys, responder) -> {
            boolean cancelledAfterThree = finds.getAndIncrement() == 0; // each test's first C-FIND
            int sent = 0;
            try {
                for (int i = 0; i < MATCHES; i++) {
                    DataSet match = new DataSet();
                    match.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
                    match.setString(Tag.PatientID, VR.LO, String.format("P%03d", i));
                    match.setString(Tag.PatientName, VR.PN, "Slow^Match" + i);
                    // after the third match the requester cancels: the fourth waits for the cancel to be seen
                    // (for at most 10 s), so that how many went before it does not depend on the machine's speed
                    for (int w = 0; cancelledAfterThree && i >= 3 && w < 1000 && !responder.isCancelled(); w++) {
                        Thread.sleep(10);
                    }
                    if (!responder.pending(match)) {
                        sawCancel.incrementAndGet();
                        return;
                    }
                    sent++;
                    Thread.sleep(DELAY_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                produced.add(sent);
            }
        });
        server = new DicomServer(Interop.SETTINGS, new AcceptPolicy("SLOWSCP").accept(AcceptPolicy.ANY, AcceptPolicy.ANY),
                services).start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static DataSet keys() {
        return Interop.keys("PATIENT", Tag.PatientID, null, Tag.PatientName, null);
    }

    @Test
    void ourScuCancelsAfterTheThirdMatch() throws Exception {
        AAssociateRQ rq = new AAssociateRQ("GRIDSCU", "SLOWSCP");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ImplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.PatientRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(Interop.SETTINGS).connect(Peers.HOST, server.port(), rq, null)) {
            int pcid = as.presentationContextFor(UID.PatientRootQueryRetrieveInformationModelFind);
            List<DimseResponse> pending = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            DimseResponse last = as.findResponses(UID.PatientRootQueryRetrieveInformationModelFind, keys(), rsp -> {
                pending.add(rsp);
                if (pending.size() == 3) {
                    try {
                        as.cancel(pcid, rsp.command().getInt(Tag.MessageIDBeingRespondedTo, -1));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(Status.CANCEL, last.status(), last.describe());
            assertEquals(3, pending.size(), "matches before the cancel took effect");
            for (int i = 0; i < pending.size(); i++) {
                assertEquals(Status.PENDING, pending.get(i).status());
                assertEquals(String.format("P%03d", i), pending.get(i).dataSet().getString(Tag.PatientID));
            }
            assertTrue(ms < 10_000, "ended on the cancel, not after the handler gave up waiting for it: " + ms + " ms");
            assertEquals(1, sawCancel.get(), "the handler was told to stop");

            // the association is still usable: C-ECHO, then a full C-FIND
            assertEquals(Status.SUCCESS, as.echo().status());
            List<DataSet> all = new ArrayList<>();
            DimseResponse full = as.find(UID.PatientRootQueryRetrieveInformationModelFind, keys(), all::add);
            assertEquals(Status.SUCCESS, full.status());
            assertEquals(MATCHES, all.size());
        }
    }

    @Test
    void findscuCancelsAfterTheThirdMatch() throws Exception {
        Dcmtk.require();
        long t0 = System.nanoTime();
        Dcmtk.Result r = Dcmtk.run(30, "findscu", "-v", "-P", "-aet", "DCMTKSCU", "-aec", "SLOWSCP", "--cancel", "3",
                "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID", "-k", "PatientName",
                Peers.HOST, String.valueOf(server.port()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Find Response: 3 (Pending)"), r.output());
        assertTrue(r.output().contains("Received Final Find Response (Cancel"), "final status Cancel:\n" + r.output());
        assertTrue(ms < 10_000, "ended on the cancel: " + ms + " ms\n" + r.output());
        waitFor(() -> !produced.isEmpty());
        assertEquals(3, produced.get(0), "matches the handler sent before it saw the cancel");
        assertEquals(1, sawCancel.get());
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 100 && !c.getAsBoolean(); i++) {
            Thread.sleep(20);
        }
    }
}
