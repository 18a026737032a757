package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Commands;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AReleaseRP;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Release and abort while a C-FIND is still running on a server worker. */
class AsyncAndReleaseTest {
    private DicomServer server;
    private final CountDownLatch handlerExited = new CountDownLatch(1);
    private final AtomicInteger handlerSent = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        // PatientID "SLOW": up to 50 matches, 100 ms apart; "QUIET": one match after 2.5 s of silence (longer
        // than the idle timeout); anything else: 5 matches, 100 ms apart. C-GET: two instances, on this association
        server = startServer(settings(), new Services().find((rq, keys, responder) -> {
            String id = keys.getString(Tag.PatientID);
            int n = "SLOW".equals(id) ? 50 : "QUIET".equals(id) ? 1 : 5;
            try {
                for (int i = 0; i < n; i++) {
                    Thread.sleep("QUIET".equals(id) ? 2_500 : 100);
                    DataSet match = new DataSet();
                    match.setString(Tag.PatientID, VR.LO, "P" + i);
                    if (!responder.pending(match)) {
                        return;
                    }
                    handlerSent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                handlerExited.countDown();
            }
        }).get((rq, keys, responder) -> {
            DataSet ds = new DataSet();
            ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3");
            ds.setBytes(Tag.PixelData, VR.OW, new byte[20_000]);
            byte[] data = encode(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            for (int i = 0; i < 2; i++) {
                try {
                    DimseResponse rsp = rq.association().store(org.gridpacs.dicom.data.UID.CTImageStorage, "1.2.3." + i,
                            org.gridpacs.dicom.data.UID.ExplicitVRLittleEndian, out -> out.write(data), null, 0);
                    assertEquals(Status.SUCCESS, rsp.status());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                responder.pending(1 - i, i + 1, 0, 0);
            }
            responder.complete(2, 0, 0, List.of());
        }));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            awaitNoAssociation(server);
            assertEchoWorks(server);
            assertNoUncaughtExceptions();
        } finally {
            server.close();
        }
    }

    private static DataSet keys(String patientID) {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
        keys.setString(Tag.PatientID, VR.LO, patientID);
        return keys;
    }

    private static CompletableFuture<DimseResponse> findAsync(Association as, String patientID, List<DataSet> matches,
                                                              CountDownLatch firstMatch) {
        CompletableFuture<DimseResponse> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(as.find(FIND, keys(patientID), m -> {
                    matches.add(m);
                    firstMatch.countDown();
                }));
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, "test-find");
        t.start();
        return f;
    }

    /** Our SCU's release() waits for the C-FIND that another thread is running, then releases. */
    @Test
    void releaseWhileAFindRuns() throws Exception {
        Association as = connect(server, settings());
        List<DataSet> matches = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<DimseResponse> find = findAsync(as, "P", matches, first);
        assertTrue(first.await(5, TimeUnit.SECONDS));
        as.release(); // no exception: waits for the final response, then A-RELEASE
        DimseResponse rsp = find.get(5, TimeUnit.SECONDS);
        assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
        assertEquals(5, matches.size());
        assertFalse(as.isOpen());
    }

    /**
     * A peer that sends A-RELEASE-RQ right behind its C-FIND-RQ: the server finishes the C-FIND (pending
     * responses and the final one) before its A-RELEASE-RP.
     */
    @Test
    void serverFinishesTheFindBeforeAnsweringTheRelease() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(concat(
                    pdv(PC_FIND, true, true, command(CommandField.C_FIND_RQ, 7, FIND, true)),
                    pdv(PC_FIND, false, true, encode(keys("P"), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
                    releaseRq()));
            for (int i = 0; i < 5; i++) {
                DataSet rsp = raw.readCommand();
                assertEquals(Status.PENDING, rsp.getInt(Tag.Status, -1));
                assertEquals(7, rsp.getInt(Tag.MessageIDBeingRespondedTo, -1));
            }
            assertEquals(Status.SUCCESS, raw.readCommand().getInt(Tag.Status, -1));
            assertInstanceOf(AReleaseRP.class, raw.read());
            raw.expectClosed();
        }
    }

    /**
     * C-GET then A-RELEASE-RQ at once: while the server holds back its A-RELEASE-RP it must go on reading, since
     * the C-STORE responses of the sub-operations still come from the requester (PS3.8 state Sta7 allows P-DATA).
     */
    @Test
    void releaseRightAfterACGetStillReceivesTheSubOperationResponses() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(concat(
                    pdv(PC_GET, true, true, command(CommandField.C_GET_RQ, 3, GET, true)),
                    pdv(PC_GET, false, true, encode(keys("P"), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)),
                    releaseRq()));
            int stores = 0;
            while (true) {
                DataSet cmd = raw.readCommand();
                int field = cmd.getInt(Tag.CommandField, -1);
                if (field == CommandField.C_STORE_RQ) {
                    stores++;
                    raw.send(pdv(PC_CT, true, true, Commands.encode(Commands.response(cmd, Status.SUCCESS, false))));
                } else {
                    assertEquals(CommandField.C_GET_RSP, field);
                    if (cmd.getInt(Tag.Status, -1) != Status.PENDING) {
                        assertEquals(Status.SUCCESS, cmd.getInt(Tag.Status, -1));
                        assertEquals(2, cmd.getInt(Tag.NumberOfCompletedSuboperations, -1));
                        break;
                    }
                }
            }
            assertEquals(2, stores);
            assertInstanceOf(AReleaseRP.class, raw.read());
            raw.expectClosed();
        }
    }

    /** An operation that runs longer than the idle timeout without a word is not mistaken for an idle peer. */
    @Test
    void aQuietFindLongerThanTheIdleTimeoutIsNotAborted() throws Exception {
        Association as = connect(server, settings());
        try {
            List<DataSet> matches = new CopyOnWriteArrayList<>();
            DimseResponse rsp = as.find(FIND, keys("QUIET"), matches::add);
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            assertEquals(1, matches.size());
        } finally {
            as.release();
        }
    }

    /**
     * Association.findAsync: returns once the request is sent; the matches and then the final response come on
     * the association's reader thread, with no thread of ours waiting, and the association can be used again.
     */
    @Test
    void findAsyncHandsOnMatchesAndTheEndFromTheReader() throws Exception {
        Association as = connect(server, settings());
        List<DataSet> matches = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<DimseResponse> find = as.findAsync(FIND, keys("P"), m -> {
            matches.add(m);
            threads.add(Thread.currentThread().getName());
        });
        assertFalse(find.isDone(), "returned before the first match (100 ms later)");
        CompletableFuture<String> endThread = find.thenApply(rsp -> Thread.currentThread().getName());
        DimseResponse rsp = find.get(5, TimeUnit.SECONDS);
        assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
        assertEquals(List.of("P0", "P1", "P2", "P3", "P4"),
                matches.stream().map(m -> m.getString(Tag.PatientID)).toList());
        String reader = threads.get(0);
        assertTrue(threads.stream().allMatch(reader::equals), threads.toString());
        assertEquals(reader, endThread.get(1, TimeUnit.SECONDS));
        assertFalse(reader.equals(Thread.currentThread().getName()));
        assertEquals(Status.SUCCESS, as.echo().status()); // the window is free again
        as.release();
        assertFalse(as.isOpen());
    }

    /** abort() during a findAsync: the future fails with an I/O error, no final response is invented. */
    @Test
    void abortDuringAFindAsyncFailsItsFuture() throws Exception {
        Association as = connect(server, settings());
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<DimseResponse> find = as.findAsync(FIND, keys("SLOW"), m -> first.countDown());
        assertTrue(first.await(5, TimeUnit.SECONDS));
        as.abort();
        ExecutionException e = assertThrows(ExecutionException.class, () -> find.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        awaitNoAssociation(server);
        assertTrue(handlerExited.await(2, TimeUnit.SECONDS));
    }

    /** abort() by the SCU in the middle of a slow C-FIND: the server frees the association and the worker. */
    @Test
    void abortDuringASlowFind() throws Exception {
        Association as = connect(server, settings());
        List<DataSet> matches = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CompletableFuture<DimseResponse> find = findAsync(as, "SLOW", matches, first);
        assertTrue(first.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        as.abort();
        ExecutionException e = assertThrows(ExecutionException.class, () -> find.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        awaitNoAssociation(server);
        // the handler learns of the abort at its next match, and its worker is free again
        assertTrue(handlerExited.await(2, TimeUnit.SECONDS));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1_500, "freed after " + ms + " ms");
        assertTrue(handlerSent.get() < 50);
    }

    /** C-CANCEL during a slow C-FIND: final status Cancel, and the association goes on. */
    @Test
    void cancelDuringASlowFind() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(concat(
                    pdv(PC_FIND, true, true, command(CommandField.C_FIND_RQ, 9, FIND, true)),
                    pdv(PC_FIND, false, true, encode(keys("SLOW"), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))));
            assertEquals(Status.PENDING, raw.readCommand().getInt(Tag.Status, -1));
            DataSet cancel = new DataSet();
            cancel.setInt(Tag.CommandField, VR.US, CommandField.C_CANCEL_RQ);
            cancel.setInt(Tag.MessageIDBeingRespondedTo, VR.US, 9);
            cancel.setInt(Tag.CommandDataSetType, VR.US, CommandField.NO_DATA_SET);
            raw.send(pdv(PC_FIND, true, true, Commands.encode(cancel)));
            int status;
            do {
                status = raw.readCommand().getInt(Tag.Status, -1);
            } while (status == Status.PENDING);
            assertEquals(Status.CANCEL, status);
            raw.send(echoRq(10));
            assertEquals(Status.SUCCESS, raw.readCommand().getInt(Tag.Status, -1));
            raw.send(releaseRq());
            assertInstanceOf(AReleaseRP.class, raw.read());
        }
        assertTrue(handlerExited.await(2, TimeUnit.SECONDS));
    }

    /** Requests beyond what one association may run at once are refused, not queued without bound. */
    @Test
    void tooManyOperationsAtOnceAreRefused() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            int n = Association.MAX_RUNNING_OPERATIONS + 4;
            byte[] burst = new byte[0];
            for (int id = 1; id <= n; id++) {
                burst = concat(burst, pdv(PC_FIND, true, true, command(CommandField.C_FIND_RQ, id, FIND, true)),
                        pdv(PC_FIND, false, true, encode(keys("SLOW"), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)));
            }
            // and one more with a message ID in use
            burst = concat(burst, pdv(PC_FIND, true, true, command(CommandField.C_FIND_RQ, 1, FIND, true)),
                    pdv(PC_FIND, false, true, encode(keys("SLOW"), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)));
            raw.send(burst);
            int refused = 0;
            int duplicate = 0;
            while (refused + duplicate < 5) {
                DataSet rsp = raw.readCommand();
                int status = rsp.getInt(Tag.Status, -1);
                if (status == Status.OUT_OF_RESOURCES) {
                    refused++;
                    assertTrue(rsp.getInt(Tag.MessageIDBeingRespondedTo, -1) > Association.MAX_RUNNING_OPERATIONS);
                } else if (status == Status.DUPLICATE_INVOCATION) {
                    duplicate++;
                } else {
                    assertEquals(Status.PENDING, status);
                }
            }
            assertEquals(4, refused);
            assertEquals(1, duplicate);
        }
    }
}
