package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bounded resources of {@link DicomServer}, and C-STORE handlers that misbehave. */
class AssociationLimitsTest {
    private static final byte[] BIG = new byte[200_000];

    private DicomServer server;
    private final List<Association> open = new ArrayList<>();
    private final AtomicReference<Throwable> handlerSaw = new AtomicReference<>();
    private final CountDownLatch handlerDone = new CountDownLatch(1);
    private final ConcurrentHashMap<String, Integer> storedBytes = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        for (Association as : open) {
            as.abort();
        }
        try {
            if (server != null) {
                awaitNoAssociation(server);
                assertEchoWorks(server);
                awaitNoAssociation(server);
                assertNoUncaughtExceptions();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The store handler of these tests: its behaviour is chosen by the SOP instance UID. */
    private int store(DimseRequest rq, InputStream data) throws IOException {
        String uid = rq.sopInstanceUID();
        switch (uid) {
            case "throw" -> throw new IllegalStateException("handler bug (test)");
            case "unread" -> {
                return Status.SUCCESS;
            }
            case "swallow" -> {
                try {
                    data.readAllBytes();
                } catch (IOException e) {
                    handlerSaw.set(e);
                } finally {
                    handlerDone.countDown();
                }
                return Status.SUCCESS; // pretends all went well: the server must not believe it
            }
            default -> {
                try {
                    storedBytes.put(uid, data.readAllBytes().length);
                    return Status.SUCCESS;
                } catch (IOException e) {
                    handlerSaw.set(e);
                    throw e;
                } finally {
                    handlerDone.countDown();
                }
            }
        }
    }

    private void startServer(NetworkSettings settings) throws IOException {
        server = NetTestSupport.startServer(settings, new Services().store(this::store));
    }

    private Association connect() throws IOException {
        Association as = NetTestSupport.connect(server, settings());
        open.add(as);
        return as;
    }

    private static DimseResponse store(Association as, String uid) throws Exception {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPInstanceUID, VR.UI, uid);
        ds.setBytes(Tag.PixelData, VR.OW, BIG);
        return as.store(UID.CTImageStorage, uid, UID.ExplicitVRLittleEndian,
                out -> out.write(encode(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)), null, 0);
    }

    @Test
    void beyondTheLimitTransientRejectionThenRoomAgain() throws Exception {
        startServer(settings().withMaxAssociations(2));
        Association a = connect();
        connect();
        AssociationRejectedException e = assertThrows(AssociationRejectedException.class, this::connect);
        assertTrue(e.getMessage().contains("local limit exceeded"), e.getMessage());
        assertEquals(AAssociateRJ.RESULT_REJECTED_TRANSIENT, e.rejection().result());

        a.release();
        await("one association left", 2_000, () -> server.activeAssociations() == 1);
        Association c = connect();
        assertEquals(Status.SUCCESS, c.echo().status());
    }

    @Test
    void aFloodBeyondTheLimitCreatesNoThreads() throws Exception {
        startServer(settings().withMaxAssociations(2));
        connect();
        connect();
        long before = threadCount("dicom-");
        AtomicInteger maxThreads = new AtomicInteger();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (flooding.get()) {
                maxThreads.accumulateAndGet((int) threadCount("dicom-"), Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        int rejected = 0;
        int dropped = 0;
        List<Raw> raws = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Raw r = new Raw(server.port());
                raws.add(r);
                try {
                    r.send(rqBytes());
                } catch (SocketException ignored) {
                    // dropped before we could even send
                }
            }
            for (Raw r : raws) {
                try {
                    Pdu p = r.read();
                    AAssociateRJ rj = assertInstanceOf(AAssociateRJ.class, p);
                    assertEquals(AAssociateRJ.REASON_LOCAL_LIMIT_EXCEEDED, rj.reason());
                    rejected++;
                } catch (IOException closed) {
                    dropped++; // both rejecter threads busy: the connection is simply closed
                }
            }
        } finally {
            flooding.set(false);
            sampler.join();
            for (Raw r : raws) {
                r.close();
            }
        }
        assertEquals(20, rejected + dropped);
        assertTrue(rejected >= 1, "at least one request gets the A-ASSOCIATE-RJ");
        // two rejecter threads at most, and perhaps the timer: no thread per connection
        assertTrue(maxThreads.get() <= before + 3, "threads named dicom-*: " + before + " before, up to "
                + maxThreads.get() + " during the flood");
        assertEquals(2, server.activeAssociations());
    }

    @Test
    void handlerThrowingGivesAFailureStatusAndTheAssociationStaysUp() throws Exception {
        startServer(settings());
        Association as = connect();
        DimseResponse rsp = store(as, "throw");
        assertEquals(Status.OUT_OF_RESOURCES, rsp.status(), rsp.describe());
        assertTrue(as.isOpen());
        assertEquals(Status.SUCCESS, as.echo().status());
        assertEquals(Status.SUCCESS, store(as, "1.2.3").status());
        assertTrue(storedBytes.get("1.2.3") > BIG.length);
    }

    @Test
    void dataAHandlerDoesNotReadIsDrained() throws Exception {
        startServer(settings());
        Association as = connect();
        assertEquals(Status.SUCCESS, store(as, "unread").status()); // 200 kB: about 13 P-DATA-TF left unread
        assertEquals(Status.SUCCESS, as.echo().status());
        assertEquals(Status.SUCCESS, store(as, "1.2.4").status());
        assertTrue(storedBytes.get("1.2.4") > BIG.length);
    }

    @Test
    void storeCutByAnAbort() throws Exception {
        startServer(settings());
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(pdv(PC_CT, true, true, storeCommand(1, "cut")));
            raw.send(pdv(PC_CT, false, false, new byte[4000]));
            raw.send(pdv(PC_CT, false, false, new byte[4000]));
            raw.send(PduWriter.encode(AAbort.byServiceUser()));
            raw.expectClosed(); // no C-STORE-RSP, and an A-ABORT is not answered
        }
        assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, handlerSaw.get());
        assertEquals(null, storedBytes.get("cut"));
    }

    @Test
    void storeCutByAnAbortWhileTheHandlerIgnoresTheError() throws Exception {
        startServer(settings());
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(pdv(PC_CT, true, true, storeCommand(1, "swallow")));
            raw.send(pdv(PC_CT, false, false, new byte[4000]));
            raw.send(PduWriter.encode(AAbort.byServiceUser()));
            raw.expectClosed();
        }
        assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
        assertNotNull(handlerSaw.get());
    }

    /** A data set interrupted by a command: protocol error, A-ABORT, even if the handler swallows the error. */
    @Test
    void storeInterruptedByAnotherMessage() throws Exception {
        startServer(settings());
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(pdv(PC_CT, true, true, storeCommand(1, "swallow")));
            raw.send(pdv(PC_CT, false, false, new byte[4000]));
            raw.send(echoRq(2));
            AAbort abort = raw.expectAbortAndClose();
            assertEquals(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, abort.reason());
        }
        assertTrue(handlerDone.await(5, TimeUnit.SECONDS));
    }

    private static byte[] storeCommand(int messageID, String sopInstanceUID) throws IOException {
        DataSet cmd = org.gridpacs.dicom.net.dimse.Commands.request(CommandField.C_STORE_RQ, messageID,
                UID.CTImageStorage, true);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, sopInstanceUID);
        return org.gridpacs.dicom.net.dimse.Commands.encode(cmd);
    }

    /**
     * A peer that sends requests but never reads the responses: the reader thread ends up blocked writing
     * (TCP has no write timeout). The server must abort it after the idle timeout and free its slot.
     */
    @Test
    void aPeerThatNeverReadsIsAborted() throws Exception {
        NetworkSettings s = settings();
        startServer(new NetworkSettings(s.connectTimeout(), s.artimTimeout(), s.idleTimeout(), s.responseTimeout(),
                s.maxPduLength(), s.maxAssociations(), 16 * 1024, null));
        Raw raw = new Raw(server.port());
        raw.socket.setReceiveBufferSize(4096);
        raw.send(rqBytes());
        raw.read(); // the A-ASSOCIATE-AC: and nothing else is ever read
        byte[] echoes = new byte[0];
        for (int i = 0; i < 200; i++) {
            echoes = concat(echoes, echoRq(i + 1));
        }
        byte[] burst = echoes;
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; i < 2_000 && writing.get(); i++) { // up to 400 000 echoes, ~30 MB of responses
                    raw.send(burst);
                }
            } catch (IOException e) {
                // the server gave up on us
            }
        });
        sender.start();
        try {
            await("the association is established", 2_000, () -> server.activeAssociations() == 1);
            long t0 = System.nanoTime();
            await("the server aborts the peer that does not read", 8_000, () -> server.activeAssociations() == 0);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 500, "freed after " + ms + " ms: too early to be the idle timeout");
        } finally {
            writing.set(false);
            raw.close();
            sender.join(5_000);
        }
    }
}
