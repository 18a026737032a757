package org.gridpacs.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Commands;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AReleaseRQ;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.PDataTFWriter;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduReader;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.gridpacs.dicom.net.pdu.PresentationContext;

/** Shared pieces of the network robustness tests: raw-socket clients, byte builders, health checks. */
final class NetTestSupport {
    static final String SCP = "TESTSCP";
    static final String SCU = "TESTSCU";
    static final String FIND = UID.PatientRootQueryRetrieveInformationModelFind;
    static final String GET = UID.PatientRootQueryRetrieveInformationModelGet;
    /** Presentation context IDs of {@link #rq()}: 7 (MR storage) is always rejected by {@link #policy()}; 11 is never proposed. */
    static final int PC_ECHO = 1;
    static final int PC_CT = 3;
    static final int PC_FIND = 5;
    static final int PC_REJECTED = 7;
    static final int PC_GET = 9;
    /** The Maximum Length Received the test servers announce. */
    static final int MAX_PDU = 16_384;

    private static final List<Throwable> UNCAUGHT = Collections.synchronizedList(new ArrayList<>());

    static {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            UNCAUGHT.add(new AssertionError("uncaught in thread " + t.getName(), e));
            if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                e.printStackTrace();
            }
        });
    }

    private NetTestSupport() {
    }

    /** Short timers so that the ARTIM and idle tests run in about a second: ARTIM 500 ms, idle 1.5 s. */
    static NetworkSettings settings() {
        return new NetworkSettings(2_000, 500, 1_500, 10_000, MAX_PDU, 8, 0, null);
    }

    /** Accepts verification, CT storage and patient root C-FIND in any transfer syntax; rejects the rest. */
    static AcceptPolicy policy() {
        return new AcceptPolicy(SCP)
                .accept(UID.Verification, AcceptPolicy.ANY)
                .accept(UID.CTImageStorage, AcceptPolicy.ANY)
                .accept(FIND, AcceptPolicy.ANY)
                .accept(GET, AcceptPolicy.ANY);
    }

    static DicomServer startServer(NetworkSettings settings, Services services) throws IOException {
        return new DicomServer(settings, policy(), services).start(InetAddress.getLoopbackAddress(), 0);
    }

    static AAssociateRQ rq() {
        AAssociateRQ rq = new AAssociateRQ(SCU, SCP);
        rq.addPresentationContext(new PresentationContext.RQ(PC_ECHO, UID.Verification, UID.ImplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(PC_CT, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(PC_FIND, FIND, UID.ImplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(PC_REJECTED, UID.MRImageStorage, UID.ImplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(PC_GET, GET, UID.ImplicitVRLittleEndian));
        return rq;
    }

    /** The encoded A-ASSOCIATE-RQ a raw client sends, announcing {@link #MAX_PDU}. */
    static byte[] rqBytes() {
        AAssociateRQ rq = rq();
        rq.userInformation().setMaxLength(MAX_PDU).setImplementationClassUid(Implementation.CLASS_UID);
        return PduWriter.encode(rq);
    }

    /** One P-DATA-TF PDU holding one PDV. */
    static byte[] pdv(int pcid, boolean command, boolean last, byte[] value) {
        byte[] b = new byte[PDataTFWriter.HEADER_LENGTH + value.length];
        PDataTFWriter.encodeHeader(b, 0, pcid, command, last, value.length);
        System.arraycopy(value, 0, b, PDataTFWriter.HEADER_LENGTH, value.length);
        return b;
    }

    static byte[] command(int field, int messageID, String sopClass, boolean hasDataSet) {
        try {
            return Commands.encode(Commands.request(field, messageID, sopClass, hasDataSet));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] echoRq(int messageID) {
        return pdv(PC_ECHO, true, true, command(CommandField.C_ECHO_RQ, messageID, UID.Verification, false));
    }

    static byte[] releaseRq() {
        return PduWriter.encode(AReleaseRQ.INSTANCE);
    }

    static byte[] encode(DataSet ds, TransferSyntax ts) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(out);
            dos.setTransferSyntax(ts);
            dos.writeDataSet(ds);
            dos.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A client speaking raw bytes to the server. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final PduReader reader;

        Raw(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(5_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            reader = new PduReader(in);
            reader.setMaxPDataLength(0);
        }

        /** Connects and establishes an association (the A-ASSOCIATE-AC is checked). */
        static Raw associated(int port) throws IOException {
            Raw r = new Raw(port);
            r.send(rqBytes());
            assertInstanceOf(AAssociateAC.class, r.read(), "answer to A-ASSOCIATE-RQ");
            return r;
        }

        void send(byte[] b) throws IOException {
            out.write(b);
            out.flush();
        }

        Pdu read() throws IOException {
            return reader.read();
        }

        /**
         * Reads P-DATA-TF PDUs up to the end of the next command set (data set fragments are skipped) and
         * returns it decoded. Any other PDU fails the test.
         */
        DataSet readCommand() throws IOException {
            ByteArrayOutputStream cmd = new ByteArrayOutputStream();
            while (true) {
                Pdu p = read();
                if (!(p instanceof PDataTF pdata)) {
                    throw new AssertionError("expected P-DATA-TF, got " + p);
                }
                for (PDataTF.Cursor c = pdata.pdvs(); c.next(); ) {
                    if (c.isCommand()) {
                        cmd.write(c.buffer(), c.valueOffset(), c.valueLength());
                        if (c.isLast()) {
                            return Commands.decode(cmd.toByteArray(), 0, cmd.size());
                        }
                    }
                }
            }
        }

        /** The next PDU must be an A-ABORT, after which the server closes the connection. */
        AAbort expectAbortAndClose() throws IOException {
            Pdu p;
            try {
                p = read();
            } catch (SocketException | EOFException e) {
                throw new AssertionError("expected A-ABORT, but the connection ended: " + e, e);
            }
            AAbort abort = assertInstanceOf(AAbort.class, p, "expected A-ABORT");
            expectClosed();
            return abort;
        }

        /** The server closes the connection (EOF, or a reset) within the socket timeout, sending nothing more. */
        void expectClosed() throws IOException {
            try {
                int b = in.read();
                assertEquals(-1, b, "the server sent more bytes instead of closing the connection");
            } catch (SocketTimeoutException e) {
                fail("the server did not close the connection within " + socket.getSoTimeout() + " ms");
            } catch (SocketException e) {
                // connection reset: closed all the same
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** An SCU association with the test settings (responses awaited up to 10 s). */
    static Association connect(DicomServer server, NetworkSettings settings) throws IOException {
        return new Connector(settings).connect("127.0.0.1", server.port(), rq(), null);
    }

    /** A complete, clean C-ECHO on a new association. */
    static void assertEchoWorks(DicomServer server) throws Exception {
        Association as = connect(server, settings());
        try {
            assertEquals(Status.SUCCESS, as.echo().status());
        } finally {
            as.release();
        }
    }

    /** Polls until the condition holds, failing after {@code millis}. */
    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + millis + " ms: " + what);
            }
            Thread.sleep(10);
        }
    }

    static void awaitNoAssociation(DicomServer server) throws InterruptedException {
        await("activeAssociations() back to 0 (is " + server.activeAssociations() + ")", 5_000,
                () -> server.activeAssociations() == 0);
    }

    /** Fails if any thread died of an uncaught exception since the last call. */
    static void assertNoUncaughtExceptions() {
        synchronized (UNCAUGHT) {
            if (!UNCAUGHT.isEmpty()) {
                AssertionError e = new AssertionError(UNCAUGHT.size() + " uncaught exception(s) in server threads",
                        UNCAUGHT.get(0));
                UNCAUGHT.clear();
                throw e;
            }
        }
    }

    /** Threads whose name starts with {@code prefix}. */
    static long threadCount(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }
}
