package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.util.Arrays;
import java.util.stream.Stream;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bytes on raw sockets against a live {@link DicomServer}. Whatever arrives, the server answers as
 * PS3.8 9.2 (the state machine) says, closes that one connection, and goes on serving everyone else.
 *
 * <p>What PS3.8 asks, and what is checked:
 * <ul>
 *   <li>Before the association (state Sta2, awaiting A-ASSOCIATE-RQ), an unrecognized or invalid PDU, or any
 *       PDU but A-ASSOCIATE-RQ, is event 19 or 3..10, action AA-1: send A-ABORT and close. A received
 *       A-ABORT is AA-2: close without answering. The transport closing (a truncated RQ) is AA-5: close, as
 *       there is no one left to answer. ARTIM expiring (a client that sends nothing, or trickles its RQ) is
 *       AA-2: close without a PDU.</li>
 *   <li>On an established association (Sta6), an unrecognized or invalid PDU (Evt19), an unexpected one
 *       (A-ASSOCIATE-RQ/AC/RJ, A-RELEASE-RP: Evt3..7, 11) or a P-DATA that violates the DIMSE layer (PS3.7
 *       9.1: a context not accepted, a data set without its command, a command set that does not decode) is
 *       action AA-8: A-ABORT (service-provider, with a reason), then close.</li>
 * </ul>
 */
class MalformedNetworkInputTest {
    private DicomServer server;

    @BeforeEach
    void start() throws IOException {
        server = startServer(settings(), new Services().store((rq, data) -> {
            data.readAllBytes();
            return Status.SUCCESS;
        }));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            assertEchoWorks(server);
            awaitNoAssociation(server);
            assertNoUncaughtExceptions();
        } finally {
            server.close();
        }
    }

    // ------------------------------------------------------------------ before the association

    @Test
    void unknownPduTypeAsFirstPdu() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            raw.send(new byte[] {0x55, 0, 0, 0, 0, 4, 1, 2, 3, 4});
            assertEquals(AAbort.REASON_UNRECOGNIZED_PDU, raw.expectAbortAndClose().reason());
        }
    }

    @Test
    void hugeAssociateRqLength() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            byte[] rq = rqBytes();
            rq[2] = 0x7F;
            rq[3] = (byte) 0xFF;
            rq[4] = (byte) 0xFF;
            rq[5] = (byte) 0xFF;
            raw.send(rq);
            AAbort abort = raw.expectAbortAndClose();
            assertEquals(AAbort.SOURCE_SERVICE_PROVIDER, abort.source());
            assertEquals(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, abort.reason());
        }
    }

    /** A Maximum Length Received of 1..6 leaves no room for any PDV: nothing could ever be sent to that peer. */
    @Test
    void associateRqWithAUselessMaximumLength() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            AAssociateRQ rq = rq();
            rq.userInformation().setMaxLength(4).setImplementationClassUid(Implementation.CLASS_UID);
            raw.send(PduWriter.encode(rq));
            assertEquals(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, raw.expectAbortAndClose().reason());
        }
    }

    /** Protocol version bit 0 not set: A-ASSOCIATE-RJ permanent, "protocol version not supported" (PS3.8 9.3.4). */
    @Test
    void associateRqOfAnotherProtocolVersion() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            AAssociateRQ rq = rq();
            rq.setProtocolVersion(2);
            rq.userInformation().setMaxLength(MAX_PDU).setImplementationClassUid(Implementation.CLASS_UID);
            raw.send(PduWriter.encode(rq));
            AAssociateRJ rj = assertInstanceOf(AAssociateRJ.class, raw.read());
            assertEquals(AAssociateRJ.SOURCE_SERVICE_PROVIDER_ACSE, rj.source());
            assertEquals(AAssociateRJ.REASON_PROTOCOL_VERSION_NOT_SUPPORTED, rj.reason());
        }
    }

    @Test
    void truncatedAssociateRqThenClose() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            raw.send(Arrays.copyOf(rqBytes(), 40));
            raw.socket.shutdownOutput();
            // AA-5: nothing to answer, the server just closes its side
            raw.expectClosed();
        }
    }

    @Test
    void dataBeforeTheAssociation() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            raw.send(echoRq(1));
            assertEquals(AAbort.REASON_UNEXPECTED_PDU, raw.expectAbortAndClose().reason());
        }
        try (Raw raw = new Raw(server.port())) {
            raw.send(releaseRq());
            raw.expectAbortAndClose();
        }
    }

    @Test
    void abortBeforeTheAssociationIsNotAnswered() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            raw.send(PduWriter.encode(AAbort.byServiceUser()));
            raw.expectClosed();
        }
    }

    @Test
    void silentClientIsClosedAfterArtimWhileOthersAreServed() throws Exception {
        try (Raw silent = new Raw(server.port())) {
            long t0 = System.nanoTime();
            assertEchoWorks(server); // the silent connection blocks nobody
            silent.expectClosed();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 400 && ms < 3_000, "closed after " + ms + " ms, ARTIM is 500 ms");
        }
        awaitNoAssociation(server);
    }

    /** A slowloris client trickling its RQ byte by byte: ARTIM bounds the whole request, not each read. */
    @Test
    void tricklingClientIsClosedAfterArtim() throws Exception {
        byte[] rq = rqBytes();
        try (Raw slow = new Raw(server.port())) {
            long t0 = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < rq.length && !closed; i++) {
                try {
                    slow.send(new byte[] {rq[i]});
                } catch (SocketException e) {
                    closed = true;
                }
                if (i == 2) {
                    assertEchoWorks(server);
                }
                Thread.sleep(100);
                if ((System.nanoTime() - t0) / 1_000_000 > 3_000) {
                    break;
                }
            }
            slow.expectClosed();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3_000, "closed only after " + ms + " ms, ARTIM is 500 ms");
        }
    }

    // ------------------------------------------------------------------ on an established association

    record Case(byte[] bytes, int reason) {
    }

    static Stream<Arguments> afterAssociation() {
        byte[] echo = command(CommandField.C_ECHO_RQ, 1, UID.Verification, false);
        byte[] store = command(CommandField.C_STORE_RQ, 2, UID.CTImageStorage, true);
        // a command set whose second element claims 4 GB
        byte[] undecodable = Arrays.copyOf(echo, echo.length);
        LittleEndian.put32(undecodable, 16, 0xFFFFFF00);
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3");
        byte[] data = encode(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        byte[] pdvTooLong = {4, 0, 0, 0, 0, 10, 0, 0, 0, 100, 1, 3, 0, 0, 0, 0};
        byte[] oversized = pdv(PC_ECHO, true, true, new byte[MAX_PDU]); // PDU length MAX_PDU + 6
        return Stream.of(
                arg("garbage bytes", "GARBAGE, NOT A PDU AT ALL".getBytes(), AAbort.REASON_UNRECOGNIZED_PDU),
                arg("unknown PDU type", new byte[] {0x0A, 0, 0, 0, 0, 2, 0, 0}, AAbort.REASON_UNRECOGNIZED_PDU),
                arg("PDV longer than its PDU", pdvTooLong, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("P-DATA for a rejected context", pdv(PC_REJECTED, true, true, echo),
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("P-DATA for a context never proposed", pdv(11, true, true, echo),
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("data set without a command", pdv(PC_CT, false, true, data),
                        AAbort.REASON_UNEXPECTED_PDU_PARAMETER),
                arg("command where the data set should be", concat(pdv(PC_CT, true, true, store),
                        pdv(PC_CT, true, true, store)), AAbort.REASON_UNEXPECTED_PDU_PARAMETER),
                arg("undecodable command set", pdv(PC_ECHO, true, true, undecodable),
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("command set of 3 bytes", pdv(PC_ECHO, true, true, new byte[] {1, 2, 3}),
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("P-DATA-TF beyond our maximum length", oversized, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
                arg("second A-ASSOCIATE-RQ", rqBytes(), AAbort.REASON_UNEXPECTED_PDU),
                arg("A-ASSOCIATE-AC", PduWriter.encode(acFor()), AAbort.REASON_UNEXPECTED_PDU),
                arg("A-ASSOCIATE-RJ", PduWriter.encode(new AAssociateRJ(1, 1, 1)), AAbort.REASON_UNEXPECTED_PDU),
                arg("A-RELEASE-RP never asked for", new byte[] {6, 0, 0, 0, 0, 4, 0, 0, 0, 0},
                        AAbort.REASON_UNEXPECTED_PDU),
                arg("A-RELEASE-RQ of the wrong length", new byte[] {5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0},
                        AAbort.REASON_INVALID_PDU_PARAMETER_VALUE));
    }

    private static AAssociateAC acFor() {
        AAssociateAC ac = AAssociateAC.answering(rq());
        ac.addPresentationContext(PresentationContext.AC.accept(1, UID.ImplicitVRLittleEndian));
        return ac;
    }

    private static Arguments arg(String name, byte[] bytes, int reason) {
        return Arguments.of(Named.of(name, new Case(bytes, reason)));
    }

    @ParameterizedTest
    @MethodSource("afterAssociation")
    void malformedInputOnAnAssociationIsAborted(Case c) throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            // the association works before the bad input ...
            raw.send(echoRq(1));
            assertInstanceOf(PDataTF.class, raw.read());
            raw.send(c.bytes());
            AAbort abort = raw.expectAbortAndClose();
            assertEquals(AAbort.SOURCE_SERVICE_PROVIDER, abort.source(), abort.describe());
            assertEquals(c.reason(), abort.reason(), abort.describe());
        }
        awaitNoAssociation(server);
    }

    /** An A-ABORT in the middle of a C-STORE data set: the server drops the association, no response. */
    @Test
    void abortInTheMiddleOfADataSet() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            raw.send(pdv(PC_CT, true, true, command(CommandField.C_STORE_RQ, 1, UID.CTImageStorage, true)));
            raw.send(pdv(PC_CT, false, false, new byte[1000]));
            raw.send(PduWriter.encode(AAbort.byServiceUser()));
            raw.expectClosed();
        }
        awaitNoAssociation(server);
    }

    @Test
    void silentAssociationIsAbortedAfterIdleTimeout() throws Exception {
        try (Raw raw = Raw.associated(server.port())) {
            long t0 = System.nanoTime();
            assertEchoWorks(server);
            Pdu p = raw.read();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertInstanceOf(AAbort.class, p);
            assertTrue(ms >= 1_300 && ms < 4_000, "aborted after " + ms + " ms, idle timeout is 1500 ms");
            raw.expectClosed();
        }
        awaitNoAssociation(server);
    }
}
