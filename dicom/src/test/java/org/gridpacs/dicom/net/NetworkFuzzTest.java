package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Commands;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.PDataTFWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * Seeded mutation fuzzing of whole client conversations (A-ASSOCIATE-RQ, P-DATA with commands and data sets,
 * A-RELEASE-RQ) against a live server. Whatever the bytes, the server must answer and close that connection
 * quickly, log no internal error, leak no thread and keep answering a clean C-ECHO.
 */
class NetworkFuzzTest {
    private static final long SEED = 0xD1C0_F022L;
    private static final int ITERATIONS = 2_000;
    private static final long BUDGET_NANOS = 20_000_000_000L;
    private static final int CHECK_EVERY = 25;

    private DicomServer server;
    private Logger netLogger;
    private Level savedLevel;
    private final ListAppender<ILoggingEvent> errors = new ListAppender<>();

    @BeforeEach
    void start() throws IOException {
        server = startServer(settings(), new Services()
                .store((rq, data) -> {
                    data.readAllBytes();
                    return Status.SUCCESS;
                })
                .find((rq, keys, responder) -> {
                    for (int i = 0; i < 3; i++) {
                        DataSet match = new DataSet();
                        match.setString(Tag.PatientID, VR.LO, "P" + i);
                        responder.pending(match);
                    }
                }));
        // hundreds of protocol errors are expected and logged as warnings: keep only errors, and count them
        netLogger = (Logger) LoggerFactory.getLogger("org.gridpacs.dicom.net");
        savedLevel = netLogger.getLevel();
        netLogger.setLevel(Level.ERROR);
        errors.start();
        netLogger.addAppender(errors);
    }

    @AfterEach
    void stop() {
        netLogger.detachAppender(errors);
        netLogger.setLevel(savedLevel);
        server.close();
    }

    // ------------------------------------------------------------------ seeds: whole conversations, as PDUs

    private static List<List<byte[]>> conversations() {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setString(Tag.PatientName, VR.PN, "Fuzz^Test");
        ds.setBytes(Tag.PixelData, VR.OW, new byte[3000]);
        byte[] data = encode(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        byte[] storeCmd = storeCommand();
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
        keys.setString(Tag.PatientID, VR.LO, "P*");
        byte[] identifier = encode(keys, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);

        List<List<byte[]>> seeds = new ArrayList<>();
        seeds.add(List.of(rqBytes(), echoRq(1), releaseRq()));
        seeds.add(List.of(rqBytes(),
                pdv(PC_CT, true, true, storeCmd),
                pdv(PC_CT, false, false, slice(data, 0, 1000)),
                pdv(PC_CT, false, false, slice(data, 1000, 2000)),
                pdv(PC_CT, false, true, slice(data, 2000, data.length)),
                echoRq(3),
                releaseRq()));
        seeds.add(List.of(rqBytes(),
                pdv(PC_FIND, true, true, command(CommandField.C_FIND_RQ, 5, FIND, true)),
                pdv(PC_FIND, false, true, identifier),
                releaseRq()));
        // command and data set in one P-DATA-TF, then a command split over two PDVs
        byte[] echo = command(CommandField.C_ECHO_RQ, 9, UID.Verification, false);
        seeds.add(List.of(rqBytes(),
                twoPdvs(PC_CT, storeCmd, data),
                pdv(PC_ECHO, true, false, slice(echo, 0, 10)),
                pdv(PC_ECHO, true, true, slice(echo, 10, echo.length)),
                releaseRq()));
        return seeds;
    }

    private static byte[] storeCommand() {
        DataSet cmd = Commands.request(CommandField.C_STORE_RQ, 2, UID.CTImageStorage, true);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, "1.2.3.4");
        try {
            return Commands.encode(cmd);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One P-DATA-TF with a whole command PDV and a whole data set PDV. */
    private static byte[] twoPdvs(int pcid, byte[] command, byte[] data) {
        int length = 12 + command.length + data.length;
        byte[] b = new byte[6 + length];
        PDataTFWriter.encodePduHeader(b, 0, length);
        PDataTFWriter.encodePdvHeader(b, 6, pcid, true, true, command.length);
        System.arraycopy(command, 0, b, 12, command.length);
        PDataTFWriter.encodePdvHeader(b, 12 + command.length, pcid, false, true, data.length);
        System.arraycopy(data, 0, b, 18 + command.length, data.length);
        return b;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    // ------------------------------------------------------------------ mutations

    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 5, 6, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x4001,
            0xFFFF, 0x10000, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL};

    static byte[] mutate(List<byte[]> conversation, Random r) {
        List<byte[]> pdus = new ArrayList<>();
        for (byte[] p : conversation) {
            pdus.add(p.clone());
        }
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int i = r.nextInt(pdus.size());
            byte[] p = pdus.get(i);
            switch (r.nextInt(10)) {
                case 0 -> p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8)); // bit flip
                case 1 -> p[r.nextInt(p.length)] = (byte) INTERESTING[r.nextInt(10)]; // interesting byte
                case 2 -> putU32(p, 2, lengthValue(p.length - 6, r)); // PDU length
                case 3 -> { // PDV item: length, context ID or control header
                    if (p[0] == 4 && p.length >= 12) {
                        switch (r.nextInt(3)) {
                            case 0 -> putU32(p, 6, lengthValue(p.length - 10, r));
                            case 1 -> p[10] = (byte) r.nextInt(256);
                            default -> p[11] = (byte) r.nextInt(4);
                        }
                    } else {
                        p[0] = (byte) r.nextInt(9); // PDU type
                    }
                }
                case 4 -> { // a byte of a command set or data set value: lengths, tags, VRs
                    if (p[0] == 4 && p.length > 12) {
                        int at = 12 + r.nextInt(p.length - 12);
                        p[at] = r.nextBoolean() ? (byte) r.nextInt(256) : (byte) INTERESTING[r.nextInt(INTERESTING.length)];
                    }
                }
                case 5 -> pdus.remove(i); // drop a PDU
                case 6 -> pdus.add(i, p.clone()); // repeat one
                case 7 -> { // swap two
                    int j = r.nextInt(pdus.size());
                    pdus.set(i, pdus.get(j));
                    pdus.set(j, p);
                }
                case 8 -> pdus.set(i, slice(p, 0, 1 + r.nextInt(p.length))); // truncate a PDU
                default -> { // random bytes inserted
                    byte[] junk = new byte[1 + r.nextInt(16)];
                    r.nextBytes(junk);
                    pdus.add(i, junk);
                }
            }
            if (pdus.isEmpty()) {
                pdus.add(rqBytes());
            }
        }
        return concat(pdus.toArray(new byte[0][]));
    }

    private static long lengthValue(int actual, Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> INTERESTING[r.nextInt(INTERESTING.length)];
            case 1 -> Math.max(0, actual + r.nextInt(9) - 4);
            default -> r.nextInt() & 0xFFFFFFFFL;
        };
    }

    private static void putU32(byte[] b, int off, long v) {
        if (b.length >= off + 4) {
            b[off] = (byte) (v >>> 24);
            b[off + 1] = (byte) (v >>> 16);
            b[off + 2] = (byte) (v >>> 8);
            b[off + 3] = (byte) v;
        }
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void mutatedConversationsNeverHurtTheServer() throws Exception {
        List<List<byte[]>> seeds = conversations();
        // the seeds themselves are clean conversations
        for (List<byte[]> seed : seeds) {
            String answer = converse(concat(seed.toArray(new byte[0][])), -1);
            assertTrue(answer.endsWith("06"), "a clean conversation ends with A-RELEASE-RP: " + answer);
        }
        Random random = new Random(SEED);
        long start = System.nanoTime();
        int i = 0;
        int aborted = 0;
        int released = 0;
        int answered = 0;
        for (; i < ITERATIONS && System.nanoTime() - start < BUDGET_NANOS; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            String answer = converse(input, i);
            aborted += answer.endsWith("07") ? 1 : 0;
            released += answer.endsWith("06") ? 1 : 0;
            answered += answer.contains("04") ? 1 : 0;
            if ((i + 1) % CHECK_EVERY == 0) {
                checkHealthy(i);
            }
        }
        checkHealthy(i);
        System.out.printf("network fuzz: %d conversations in %d ms: %d ended in A-ABORT, %d in A-RELEASE-RP,"
                + " %d got DIMSE responses%n", i, (System.nanoTime() - start) / 1_000_000, aborted, released, answered);
        assertTrue(i >= 300, "only " + i + " iterations in the time budget");
        // the mutator must exercise both the error paths and the paths past them
        assertTrue(aborted > i / 5 && released > i / 20 && answered > i / 5,
                aborted + " aborted, " + released + " released, " + answered + " answered of " + i);
        // bounded pools only: accept, timer, association and worker threads (8 each), rejecters
        long threads = threadCount("dicom-");
        assertTrue(threads <= 2 + 8 + 8 + 2 + 2, threads + " threads named dicom-*");
        assertEquals(0, threadCount("dicom-" + SCP + "@"), "SCU reader threads left");
    }

    /** Sends the whole input, half-closes, and reads until the server closes; returns the PDU types received. */
    private String converse(byte[] input, int iteration) throws IOException {
        StringBuilder types = new StringBuilder();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(input);
                s.shutdownOutput();
            } catch (SocketException e) {
                // the server already aborted and closed
            }
            InputStream in = s.getInputStream();
            try {
                // PDU types, reading the stream as PDUs (good enough for the clean seeds' check)
                byte[] header = new byte[6];
                while (in.readNBytes(header, 0, 6) == 6) {
                    types.append(String.format("%02X", header[0]));
                    long len = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8)
                            | (header[5] & 0xFF);
                    in.skipNBytes(len);
                }
            } catch (SocketTimeoutException e) {
                fail("iteration " + iteration + ": the server neither answered nor closed within 5 s; input "
                        + HexFormat.of().formatHex(input));
            } catch (IOException e) {
                // reset, or a PDU cut by the close: closed all the same
            }
        }
        if (!errors.list.isEmpty()) {
            ILoggingEvent e = errors.list.get(0);
            fail("iteration " + iteration + ": the server logged an error: " + e.getFormattedMessage()
                    + (e.getThrowableProxy() != null ? " " + e.getThrowableProxy().getClassName() + ": "
                    + e.getThrowableProxy().getMessage() : "") + "; input " + HexFormat.of().formatHex(input));
        }
        return types.toString();
    }

    private void checkHealthy(int iteration) throws Exception {
        try {
            awaitNoAssociation(server);
            assertEchoWorks(server);
            awaitNoAssociation(server);
            assertNoUncaughtExceptions();
        } catch (AssertionError e) {
            throw new AssertionError("after iteration " + iteration + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ the command set decoder alone

    @Test
    void mutatedCommandSetsOnlyFailWithIOException() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(storeCommand());
        seeds.add(command(CommandField.C_FIND_RQ, 5, FIND, true));
        seeds.add(Commands.encode(Commands.response(Commands.request(CommandField.C_STORE_RQ, 7, UID.CTImageStorage,
                true), Status.OUT_OF_RESOURCES, false)));
        Random r = new Random(SEED);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = seeds.get(r.nextInt(seeds.size())).clone();
            for (int k = 1 + r.nextInt(4); k > 0; k--) {
                int at = r.nextInt(b.length);
                b[at] = r.nextBoolean() ? (byte) (b[at] ^ (1 << r.nextInt(8)))
                        : (byte) INTERESTING[r.nextInt(INTERESTING.length)];
            }
            if (r.nextInt(8) == 0) {
                b = slice(b, 0, r.nextInt(b.length));
            }
            try {
                DataSet cmd = Commands.decode(b, 0, b.length);
                // what the association layer then reads from it
                Commands.summary(cmd);
                Commands.hasDataSet(cmd);
                Commands.response(cmd, Status.SUCCESS, false);
                decoded++;
            } catch (IOException expected) {
                // DicomStreamException or EOFException: the association answers with an A-ABORT
            } catch (RuntimeException e) {
                throw new AssertionError("iteration " + i + ": " + e + " for " + HexFormat.of().formatHex(b), e);
            }
        }
        assertTrue(decoded > 1_000, "decoded " + decoded);
    }
}
