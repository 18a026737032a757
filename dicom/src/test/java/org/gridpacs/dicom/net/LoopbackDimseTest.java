package org.gridpacs.dicom.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our SCU against our SCP over real loopback sockets: every DIMSE service, failures and limits. */
class LoopbackDimseTest {
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private DicomServer server;
    private final NetworkSettings settings = NetworkSettings.DEFAULT.withMaxAssociations(3);

    @BeforeEach
    void start() throws IOException {
        Services services = new Services()
                .store((rq, data) -> {
                    if (rq.sopInstanceUID().endsWith(".666")) {
                        throw new DimseException(Status.OUT_OF_RESOURCES, "disk full (test)");
                    }
                    stored.put(rq.sopInstanceUID(), data.readAllBytes());
                    return Status.SUCCESS;
                })
                .find((rq, keys, responder) -> {
                    for (int i = 0; i < 5; i++) {
                        DataSet match = new DataSet();
                        match.setString(Tag.PatientID, VR.LO, "P" + i);
                        match.setString(Tag.PatientName, VR.PN, "Doe^John" + i);
                        if (!responder.pending(match)) {
                            return;
                        }
                    }
                });
        AcceptPolicy policy = new AcceptPolicy("TESTSCP")
                .accept(AcceptPolicy.ANY, AcceptPolicy.ANY);
        server = new DicomServer(settings, policy, services).start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Association connect(String called) throws IOException {
        AAssociateRQ rq = new AAssociateRQ("TESTSCU", called);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ImplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(5, UID.PatientRootQueryRetrieveInformationModelFind,
                UID.ImplicitVRLittleEndian));
        return new Connector(settings).connect("127.0.0.1", server.port(), rq, null);
    }

    @Test
    void echoStoreFindRelease() throws Exception {
        try (Association as = connect("TESTSCP")) {
            assertEquals(Status.SUCCESS, as.echo().status());
            DataSet ds = new DataSet();
            ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
            ds.setBytes(Tag.PixelData, VR.OW, new byte[300_000]);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            writeExplicit(ds, expected);
            DimseResponse rsp = as.store(UID.CTImageStorage, "1.2.3.4", UID.ExplicitVRLittleEndian,
                    out -> writeExplicit(ds, out), null, 0);
            assertEquals(Status.SUCCESS, rsp.status());
            assertArrayEquals(expected.toByteArray(), stored.get("1.2.3.4"));

            DimseResponse failed = as.store(UID.CTImageStorage, "1.2.3.666", UID.ExplicitVRLittleEndian,
                    out -> writeExplicit(ds, out), null, 0);
            assertEquals(Status.OUT_OF_RESOURCES, failed.status());
            assertEquals("disk full (test)", failed.errorComment());
            // the association survives a failed store
            assertEquals(Status.SUCCESS, as.echo().status());

            List<DataSet> matches = new ArrayList<>();
            DataSet keys = new DataSet();
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
            DimseResponse last = as.find(UID.PatientRootQueryRetrieveInformationModelFind, keys, matches::add);
            assertEquals(Status.SUCCESS, last.status());
            assertEquals(5, matches.size());
            assertEquals("Doe^John4", matches.get(4).getString(Tag.PatientName));
        }
    }

    @Test
    void asynchronousOperationsWindowKeepsSeveralStoresOutstanding() throws Exception {
        AAssociateRQ rq = new AAssociateRQ("TESTSCU", "TESTSCP");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.setUserInformation(new org.gridpacs.dicom.net.pdu.UserInformation()
                .setAsyncOperationsWindow(new org.gridpacs.dicom.net.pdu.AsyncOperationsWindow(8, 1)));
        try (Association as = new Connector(settings).connect("127.0.0.1", server.port(), rq, null)) {
            assertEquals(8, as.maxOperationsInvoked());
            List<java.util.concurrent.CompletableFuture<DimseResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                DataSet ds = new DataSet();
                ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.5." + i);
                futures.add(as.storeAsync(UID.CTImageStorage, "1.2.5." + i, UID.ExplicitVRLittleEndian,
                        out -> writeExplicit(ds, out)));
            }
            for (var f : futures) {
                assertEquals(Status.SUCCESS, f.get().status());
            }
            for (int i = 0; i < 50; i++) {
                assertTrue(stored.containsKey("1.2.5." + i), "instance " + i + " stored");
            }
        }
    }

    @Test
    void unknownCalledAETitleIsRejected() {
        AssociationRejectedException e = assertThrows(AssociationRejectedException.class, () -> connect("WRONG"));
        assertTrue(e.getMessage().contains("called AE title not recognized"), e.getMessage());
    }

    @Test
    void associationsBeyondTheLimitGetATransientRejection() throws Exception {
        List<Association> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(connect("TESTSCP"));
            }
            AssociationRejectedException e = assertThrows(AssociationRejectedException.class, () -> connect("TESTSCP"));
            assertTrue(e.getMessage().contains("local limit exceeded"), e.getMessage());
        } finally {
            for (Association as : open) {
                as.release();
            }
        }
        // a released association counts until its thread on the server has ended
        long until = System.nanoTime() + 10_000_000_000L;
        while (server.activeAssociations() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, server.activeAssociations(), "the released associations still count");
        try (Association as = connect("TESTSCP")) {
            assertEquals(Status.SUCCESS, as.echo().status());
        }
    }

    private static void writeExplicit(DataSet ds, java.io.OutputStream out) throws IOException {
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(ds);
        dos.finish();
    }
}
