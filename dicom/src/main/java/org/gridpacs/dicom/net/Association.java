package org.gridpacs.dicom.net;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.DicomStreamException;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Commands;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAbort;
import org.gridpacs.dicom.net.pdu.AAssociateAC;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AReleaseRP;
import org.gridpacs.dicom.net.pdu.AReleaseRQ;
import org.gridpacs.dicom.net.pdu.PDataTF;
import org.gridpacs.dicom.net.pdu.PDataTFWriter;
import org.gridpacs.dicom.net.pdu.Pdu;
import org.gridpacs.dicom.net.pdu.PduException;
import org.gridpacs.dicom.net.pdu.PduReader;
import org.gridpacs.dicom.net.pdu.PduWriter;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An established association, for either role. One reader thread per association reads PDUs and assembles
 * DIMSE messages: requests go to the {@link Services} handlers (C-STORE data streamed on the reader thread;
 * C-FIND, C-MOVE, C-GET and N- requests on a worker so that C-CANCEL and the responses of C-GET
 * sub-operations keep flowing), responses go to the SCU call waiting for them.
 */
public final class Association implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Association.class);

    /** Writes a data set, in the transfer syntax of the presentation context, to the P-DATA stream. */
    @FunctionalInterface
    public interface DataWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Socket socket;
    private final boolean requestor;
    private final AAssociateRQ rq;
    private final AAssociateAC ac;
    private final NetworkSettings settings;
    private final ServiceProvider provider;
    private final Executor workers;
    private final InputStream in;
    private final PduReader pduReader;
    private final OutputStream out;
    private final PduWriter pduWriter;
    private final PDataTFWriter pdataWriter;
    private final int maxFragment;
    /** Serialises writes; a lock rather than a monitor so that abort() can give up waiting for it. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** When the write in progress started (System.nanoTime()), 0 when none: see {@link #writeStalledFor}. */
    private volatile long writeStarted;
    private final AtomicInteger nextMessageID = new AtomicInteger(1);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean releaseRequested = new AtomicBoolean();
    private final int maxOperationsInvoked;
    private final java.util.concurrent.Semaphore window;
    private final AtomicBoolean endOnce = new AtomicBoolean();
    private final RequestTally tally = new RequestTally();
    private volatile boolean ended;
    /** Set as we start sending an A-ABORT: the peer may close before we do, which is then no news. */
    private volatile boolean aborting;
    /** Notified whenever an outstanding operation (either role) finishes, for A-RELEASE to wait on. */
    private final Object operationsDone = new Object();
    /** SCP: A-RELEASE-RQ received while operations were running; the last one to finish sends the RP. */
    private boolean releaseReceived;
    private final AtomicBoolean releaseAnswered = new AtomicBoolean();
    private volatile Thread readerThread;
    /** The most requests one association may have running on the workers at once (see dispatch). */
    static final int MAX_RUNNING_OPERATIONS = AcceptPolicy.MAX_ASYNC_OPERATIONS;

    // reader state: only touched by the reader thread
    private PDataTF.Cursor cursor;
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
    private int commandPcid = -1;
    private DataSet commandAwaitingData;
    private boolean readingDataSet;

    Association(Socket socket, boolean requestor, AAssociateRQ rq, AAssociateAC ac, NetworkSettings settings,
                Services services, Executor workers, InputStream in, OutputStream rawOut) {
        this.socket = socket;
        this.requestor = requestor;
        this.rq = rq;
        this.ac = ac;
        this.settings = settings;
        this.provider = new ServiceProvider(this, services != null ? services : new Services());
        this.workers = workers;
        this.in = in;
        this.pduReader = new PduReader(in);
        pduReader.setMaxPDataLength(settings.maxPduLength() == 0 ? 0xFFFFFFFFL : settings.maxPduLength());
        long peerMax = requestor ? ac.userInformation().maxLength() : rq.userInformation().maxLength();
        // even, because DCMTK refuses odd-length fragments even when the peer announced an odd maximum
        this.maxFragment = Math.min(PDataTFWriter.maxFragmentLength(peerMax), 1 << 20) & ~1;
        this.out = new BufferedOutputStream(rawOut, maxFragment + PDataTFWriter.HEADER_LENGTH);
        this.pduWriter = new PduWriter(out);
        this.pdataWriter = new PDataTFWriter(out);
        this.maxOperationsInvoked = negotiatedWindow(requestor, ac);
        this.window = new java.util.concurrent.Semaphore(maxOperationsInvoked);
    }

    private static int negotiatedWindow(boolean requestor, AAssociateAC ac) {
        org.gridpacs.dicom.net.pdu.AsyncOperationsWindow w =
                ac.userInformation() != null ? ac.userInformation().asyncOperationsWindow() : null;
        if (w == null) {
            return 1;
        }
        int n = requestor ? w.maxOperationsInvoked() : w.maxOperationsPerformed();
        return n == 0 ? 1024 : n;
    }

    // ---------------------------------------------------------------- what handlers may ask

    public String callingAETitle() {
        return rq.callingAETitle();
    }

    public String calledAETitle() {
        return rq.calledAETitle();
    }

    /** Our own AE title on this association. */
    public String localAETitle() {
        return requestor ? rq.callingAETitle() : rq.calledAETitle();
    }

    /** The peer's AE title. */
    public String remoteAETitle() {
        return requestor ? rq.calledAETitle() : rq.callingAETitle();
    }

    public SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }

    /** The TLS session (protocol, cipher suite, the peer's certificates), or null on plain TCP. */
    public SSLSession tlsSession() {
        return socket instanceof SSLSocket s ? s.getSession() : null;
    }

    public AAssociateRQ associateRQ() {
        return rq;
    }

    public AAssociateAC associateAC() {
        return ac;
    }

    public boolean isRequestor() {
        return requestor;
    }

    public boolean isOpen() {
        return !ended;
    }

    /** The negotiated transfer syntax of an accepted presentation context, or null. */
    public String transferSyntax(int presentationContextId) {
        PresentationContext.AC pc = ac.presentationContext(presentationContextId);
        return pc != null && pc.isAccepted() ? pc.transferSyntax() : null;
    }

    /** The abstract syntax proposed for a presentation context, or null. */
    public String abstractSyntax(int presentationContextId) {
        PresentationContext.RQ pc = rq.presentationContext(presentationContextId);
        return pc != null ? pc.abstractSyntax() : null;
    }

    /**
     * An accepted presentation context for this SOP class, preferring one whose transfer syntax is among
     * {@code transferSyntaxes} in their order (any, if none given); -1 when there is none.
     */
    public int presentationContextFor(String sopClassUID, String... transferSyntaxes) {
        if (transferSyntaxes.length == 0) {
            for (PresentationContext.AC pc : ac.presentationContexts()) {
                if (pc.isAccepted() && sopClassUID.equals(abstractSyntax(pc.id()))) {
                    return pc.id();
                }
            }
            return -1;
        }
        for (String ts : transferSyntaxes) {
            for (PresentationContext.AC pc : ac.presentationContexts()) {
                if (pc.isAccepted() && ts.equals(pc.transferSyntax()) && sopClassUID.equals(abstractSyntax(pc.id()))) {
                    return pc.id();
                }
            }
        }
        return -1;
    }

    /** Transfer syntaxes accepted for a SOP class, in the order of the presentation contexts. */
    public List<String> acceptedTransferSyntaxes(String sopClassUID) {
        return ac.presentationContexts().stream()
                .filter(pc -> pc.isAccepted() && sopClassUID.equals(abstractSyntax(pc.id())))
                .map(PresentationContext.AC::transferSyntax).distinct().toList();
    }

    // ---------------------------------------------------------------- SCU operations

    /** C-ECHO: verifies the peer answers DIMSE. */
    public DimseResponse echo() throws IOException, InterruptedException {
        return invoke(UID.Verification, CommandField.C_ECHO_RQ, null, null, null, null);
    }

    /**
     * C-STORE of one instance whose data set {@code data} writes in {@code transferSyntaxUID}.
     * {@code moveOriginatorAET} is set when this is a C-MOVE sub-operation (else null).
     */
    public DimseResponse store(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, DataWriter data,
                               String moveOriginatorAET, int moveOriginatorMessageID)
            throws IOException, InterruptedException {
        int pcid = storeContext(sopClassUID, transferSyntaxUID);
        return call(pcid, storeCommand(sopClassUID, sopInstanceUID, moveOriginatorAET, moveOriginatorMessageID), data,
                null);
    }

    private int storeContext(String sopClassUID, String transferSyntaxUID) throws NoPresentationContextException {
        int pcid = presentationContextFor(sopClassUID, transferSyntaxUID);
        if (pcid < 0) {
            throw new NoPresentationContextException(sopClassUID, transferSyntaxUID);
        }
        return pcid;
    }

    private DataSet storeCommand(String sopClassUID, String sopInstanceUID, String moveOriginatorAET,
                                 int moveOriginatorMessageID) {
        DataSet cmd = Commands.request(CommandField.C_STORE_RQ, nextMessageID(), sopClassUID, true);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, sopInstanceUID);
        if (moveOriginatorAET != null) {
            cmd.setString(Tag.MoveOriginatorApplicationEntityTitle, VR.AE, moveOriginatorAET);
            cmd.setInt(Tag.MoveOriginatorMessageID, VR.US, moveOriginatorMessageID);
        }
        return cmd;
    }

    /** C-FIND: each match is given to {@code onMatch} (on the reader thread); returns the final response. */
    public DimseResponse find(String sopClassUID, DataSet keys, Consumer<DataSet> onMatch)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.C_FIND_RQ, null, keys,
                rsp -> onMatch.accept(rsp.dataSet()), null);
    }

    /**
     * C-FIND without a thread waiting for it: returns once the request is sent. Each match goes to {@code onMatch}
     * and the future completes with the final response, both on the reader thread (or exceptionally with what ended
     * the association, on the thread that ended it); callbacks must not block, nor {@link #release} from there. The
     * response timeout does not apply: the caller bounds the wait (and aborts).
     */
    public CompletableFuture<DimseResponse> findAsync(String sopClassUID, DataSet keys, Consumer<DataSet> onMatch)
            throws IOException, InterruptedException {
        int pcid = presentationContextFor(sopClassUID);
        if (pcid < 0) {
            throw new NoPresentationContextException(sopClassUID, null);
        }
        DataSet cmd = Commands.request(CommandField.C_FIND_RQ, nextMessageID(), sopClassUID, true);
        return submit(pcid, cmd, dataWriter(pcid, keys), rsp -> onMatch.accept(rsp.dataSet())).settled;
    }

    /**
     * C-FIND giving each pending response whole, match and command, to {@code onPending} (on the reader
     * thread): its Message ID Being Responded To is what {@link #cancel} needs. Returns the final response.
     */
    public DimseResponse findResponses(String sopClassUID, DataSet keys, Consumer<DimseResponse> onPending)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.C_FIND_RQ, null, keys, onPending, null);
    }

    /** C-MOVE to the AE title {@code destination}; pending responses (sub-operation counts) go to {@code onPending}. */
    public DimseResponse move(String sopClassUID, String destination, DataSet keys, Consumer<DimseResponse> onPending)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.C_MOVE_RQ, destination, keys, onPending, null);
    }

    /**
     * C-GET: the instances arrive as C-STORE requests on this association and go to the store handler of
     * the {@link Services} given when connecting.
     */
    public DimseResponse get(String sopClassUID, DataSet keys, Consumer<DimseResponse> onPending)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.C_GET_RQ, null, keys, onPending, null);
    }

    /** N-ACTION on a SOP instance; returns the final response with the Action Reply, if any. */
    public DimseResponse action(String sopClassUID, String sopInstanceUID, int actionTypeID, DataSet information)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.N_ACTION_RQ, null, information, null,
                cmd -> {
                    cmd.setString(Tag.RequestedSOPInstanceUID, VR.UI, sopInstanceUID);
                    cmd.setInt(Tag.ActionTypeID, VR.US, actionTypeID);
                });
    }

    /** N-EVENT-REPORT about a SOP instance (for example a Storage Commitment result). */
    public DimseResponse eventReport(String sopClassUID, String sopInstanceUID, int eventTypeID, DataSet information)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.N_EVENT_REPORT_RQ, null, information, null,
                cmd -> {
                    cmd.remove(Tag.RequestedSOPClassUID);
                    cmd.setString(Tag.AffectedSOPClassUID, VR.UI, sopClassUID);
                    cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, sopInstanceUID);
                    cmd.setInt(Tag.EventTypeID, VR.US, eventTypeID);
                });
    }

    /** C-CANCEL of an outstanding C-FIND, C-MOVE or C-GET (its Message ID is in every pending response). */
    public void cancel(int presentationContextId, int messageID) throws IOException {
        DataSet cmd = new DataSet();
        cmd.setInt(Tag.CommandField, VR.US, CommandField.C_CANCEL_RQ);
        cmd.setInt(Tag.MessageIDBeingRespondedTo, VR.US, messageID);
        cmd.setInt(Tag.CommandDataSetType, VR.US, CommandField.NO_DATA_SET);
        send(presentationContextId, cmd, null);
    }

    private DimseResponse invoke(String sopClassUID, int field, String moveDestination, DataSet data,
                                 Consumer<DimseResponse> onPending, Consumer<DataSet> customize)
            throws IOException, InterruptedException {
        int pcid = presentationContextFor(sopClassUID);
        if (pcid < 0) {
            throw new NoPresentationContextException(sopClassUID, null);
        }
        DataSet cmd = Commands.request(field, nextMessageID(), sopClassUID, data != null);
        if (moveDestination != null) {
            cmd.setString(Tag.MoveDestination, VR.AE, moveDestination);
        }
        if (customize != null) {
            customize.accept(cmd);
        }
        return call(pcid, cmd, data == null ? null : dataWriter(pcid, data), onPending);
    }

    /** Writes {@code data} in the transfer syntax of the presentation context. */
    private DataWriter dataWriter(int pcid, DataSet data) {
        TransferSyntax ts = TransferSyntax.of(transferSyntax(pcid));
        return os -> {
            DicomOutputStream dos = new DicomOutputStream(os);
            dos.setTransferSyntax(ts);
            dos.writeDataSet(data);
            dos.finish();
        };
    }

    private int nextMessageID() {
        return nextMessageID.getAndUpdate(i -> i >= 0xFFFF ? 1 : i + 1);
    }

    private DimseResponse call(int pcid, DataSet cmd, DataWriter data, Consumer<DimseResponse> onPending)
            throws IOException, InterruptedException {
        Pending p = submit(pcid, cmd, data, onPending);
        while (true) {
            try {
                return settings.responseTimeout() > 0
                        ? p.result.get(settings.responseTimeout(), TimeUnit.MILLISECONDS)
                        : p.result.get();
            } catch (TimeoutException e) {
                if (p.lastActivity + settings.responseTimeout() <= System.currentTimeMillis()) {
                    abort();
                    throw new SocketTimeoutException("no response from " + remoteAETitle() + " within "
                            + settings.responseTimeout() + " ms to " + CommandField.name(cmd.getInt(Tag.CommandField, 0)));
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
            }
        }
    }

    /**
     * Sends a request without waiting for its response, once the asynchronous operations window negotiated
     * (PS3.7 D.3.3.3; 1 when not negotiated) has room for it.
     */
    private Pending submit(int pcid, DataSet cmd, DataWriter data, Consumer<DimseResponse> onPending)
            throws IOException, InterruptedException {
        window.acquire();
        int id = cmd.getInt(Tag.MessageID, 0);
        Pending p = new Pending(onPending);
        pending.put(id, p);
        p.settled = p.result.whenComplete((r, e) -> {
            pending.remove(id);
            window.release();
            operationFinished();
        });
        try {
            send(pcid, cmd, data);
        } catch (Throwable e) { // an Error too: the window's permit and the pending entry must not leak
            p.result.completeExceptionally(e);
            throw e;
        }
        return p;
    }

    /**
     * C-STORE without waiting for the response: up to the negotiated number of operations are outstanding
     * at once, which hides the round trip per instance. Returns once the request is sent; the future completes
     * with the C-STORE response, after the operation has left the window, so that an action chained to it (run
     * by the reader thread that received the response) may send the next request at once.
     */
    public CompletableFuture<DimseResponse> storeAsync(String sopClassUID, String sopInstanceUID,
                                                      String transferSyntaxUID, DataWriter data)
            throws IOException, InterruptedException {
        return storeAsync(sopClassUID, sopInstanceUID, transferSyntaxUID, data, null, 0);
    }

    /** {@link #storeAsync(String, String, String, DataWriter)} as a C-MOVE sub-operation when {@code moveOriginatorAET} is set. */
    public CompletableFuture<DimseResponse> storeAsync(String sopClassUID, String sopInstanceUID,
                                                      String transferSyntaxUID, DataWriter data,
                                                      String moveOriginatorAET, int moveOriginatorMessageID)
            throws IOException, InterruptedException {
        int pcid = storeContext(sopClassUID, transferSyntaxUID);
        return submit(pcid, storeCommand(sopClassUID, sopInstanceUID, moveOriginatorAET, moveOriginatorMessageID),
                data, null).settled;
    }

    /** How long (ms) this side waits for the next response to a request of its own (0: for ever). */
    public int responseTimeout() {
        return settings.responseTimeout();
    }

    /** How many requests this side may have outstanding at once (the negotiated window; 1 by default). */
    public int maxOperationsInvoked() {
        return maxOperationsInvoked;
    }

    private static final class Pending {
        final CompletableFuture<DimseResponse> result = new CompletableFuture<>();
        /** Completes as {@link #result}, once the operation has left the window. */
        CompletableFuture<DimseResponse> settled;
        final Consumer<DimseResponse> onPending;
        volatile long lastActivity = System.currentTimeMillis();

        Pending(Consumer<DimseResponse> onPending) {
            this.onPending = onPending;
        }
    }

    // ---------------------------------------------------------------- sending

    /** Sends one DIMSE message: the command, then the data set if {@code data} is given. */
    void send(int pcid, DataSet cmd, DataWriter data) throws IOException {
        send(pcid, List.of(cmd), java.util.Collections.singletonList(data));
    }

    /**
     * Sends DIMSE messages one after the other (the i-th command with the i-th data set, or none where null) and
     * flushes once: a run of C-FIND matches goes out in one write (over TLS one record) instead of one per match.
     */
    private void send(int pcid, List<DataSet> cmds, List<DataWriter> data) throws IOException {
        List<byte[]> encoded = new ArrayList<>(cmds.size());
        for (DataSet cmd : cmds) {
            encoded.add(Commands.encode(cmd));
        }
        writeLock.lock();
        try {
            if (ended) {
                throw new IOException("association with " + remoteAETitle() + " is closed");
            }
            writeStarted = System.nanoTime();
            int i = 0;
            try {
                for (; i < encoded.size(); i++) {
                    byte[] c = encoded.get(i);
                    pdataWriter.writeFragmented(pcid, true, c, 0, c.length, maxFragment);
                    if (data.get(i) != null) {
                        PDataOutputStream pos = new PDataOutputStream(out, pcid, maxFragment);
                        data.get(i).writeTo(pos);
                        pos.finish();
                    }
                }
                out.flush();
            } catch (Throwable e) {
                // half a message is on the wire or in the buffer: nothing sent after it could be understood
                DataSet cmd = cmds.get(Math.min(i, cmds.size() - 1));
                LOG.warn("Sending {} to {} failed mid-message ({}); closing the association", CommandField.name(
                        cmd.getInt(Tag.CommandField, 0)), remoteAETitle(), e.toString());
                end(e instanceof IOException io ? io : new IOException(e));
                throw e;
            }
        } finally {
            writeStarted = 0;
            writeLock.unlock();
        }
        if (LOG.isDebugEnabled()) {
            for (DataSet cmd : cmds) {
                LOG.debug("{} -> {}: {}", localAETitle(), remoteAETitle(), Commands.summary(cmd));
            }
        }
    }

    private void sendPdu(Pdu pdu) throws IOException {
        writeLock.lock();
        try {
            writeStarted = System.nanoTime();
            pduWriter.write(pdu);
            out.flush();
        } finally {
            writeStarted = 0;
            writeLock.unlock();
        }
    }

    /**
     * How long (ms) the write in progress has been blocked, 0 if none. TCP writes have no timeout: a peer that
     * stops reading blocks the writer, with the write lock held, for ever. {@link DicomServer} aborts such
     * associations after the idle timeout.
     */
    long writeStalledFor() {
        long t = writeStarted;
        return t == 0 ? 0 : (System.nanoTime() - t) / 1_000_000;
    }

    // ---------------------------------------------------------------- release and abort

    /**
     * A-RELEASE: first lets the calls still waiting for their responses on other threads finish (PS3.7 allows
     * no release with operations outstanding), then waits (up to ARTIM) for the peer's A-RELEASE-RP and
     * closes the connection.
     */
    public void release() throws IOException {
        if (ended || !releaseRequested.compareAndSet(false, true)) {
            return;
        }
        awaitOutstandingCalls();
        if (ended) {
            return;
        }
        sendPdu(AReleaseRQ.INSTANCE);
        try {
            closed.get(settings.artimTimeout() > 0 ? settings.artimTimeout() : 30_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} did not answer A-RELEASE-RQ within {} ms: aborting", remoteAETitle(), settings.artimTimeout());
            abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        } catch (ExecutionException e) {
            // closed by an abort or a broken connection: nothing more to release
        }
    }

    /** A-ABORT from the service user, then closes the connection. */
    public void abort() {
        abort(AAbort.byServiceUser());
    }

    private void abort(AAbort pdu) {
        aborting = true;
        if (!ended) {
            try {
                // a writer blocked on a peer that does not read holds the lock: then close without the PDU
                if (writeLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                    try {
                        pduWriter.write(pdu);
                        out.flush();
                    } finally {
                        writeLock.unlock();
                    }
                }
            } catch (IOException ignored) {
                // the connection may already be gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        end(new IOException("association with " + remoteAETitle() + " aborted"));
    }

    /**
     * After an A-ABORT for a protocol error: stops sending, then reads and discards what the peer had still
     * sent, for up to {@code millis}, before the connection is closed. Closing a socket with unread input
     * makes TCP send a reset, which on many systems destroys the A-ABORT before the peer reads it.
     */
    private void abortAndLinger(AAbort pdu, InputStream in, int millis) {
        if (!ended) {
            try {
                sendPdu(pdu);
                DicomServer.linger(socket, in, millis);
            } catch (IOException ignored) {
                // the connection may already be gone
            }
        }
        end(new IOException("association with " + remoteAETitle() + " aborted"));
    }

    /** Waits until the association has ended (released or aborted). */
    public void awaitEnd() throws InterruptedException {
        try {
            closed.get();
        } catch (ExecutionException e) {
            // ended by an abort: still ended
        }
    }

    @Override
    public void close() throws IOException {
        if (!ended) {
            release();
        }
    }

    private void end(IOException reason) {
        if (!endOnce.compareAndSet(false, true)) {
            return;
        }
        ended = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Pending p : pending.values()) {
            p.result.completeExceptionally(reason);
        }
        for (AtomicBoolean c : running.values()) {
            c.set(true);
        }
        closed.complete(null);
        operationFinished();
    }

    private void operationFinished() {
        synchronized (operationsDone) {
            operationsDone.notifyAll();
        }
    }

    /** SCU side of A-RELEASE: waits while calls on other threads still expect responses, as long as they get them. */
    private void awaitOutstandingCalls() {
        if (Thread.currentThread() == readerThread) {
            return; // release() from a response callback: the responses could never be read
        }
        try {
            synchronized (operationsDone) {
                // our own requests awaiting responses, and the peer's requests we are still answering
                while ((!pending.isEmpty() || !running.isEmpty()) && !ended) {
                    long quiet = System.currentTimeMillis()
                            - pending.values().stream().mapToLong(p -> p.lastActivity).max().orElse(0);
                    if (settings.responseTimeout() > 0 && quiet > settings.responseTimeout()) {
                        return; // the caller's own response timeout deals with it
                    }
                    operationsDone.wait(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SCP side of A-RELEASE: the A-RELEASE-RP goes out once the operations still running on the workers have
     * sent their final responses. Meanwhile the reader goes on reading: the requester may still send P-DATA
     * (state Sta7, PS3.8 9.2), such as the C-STORE responses of a C-GET's sub-operations. Returns true when the
     * RP was sent now.
     */
    private boolean releaseWhenIdle() throws IOException {
        synchronized (operationsDone) {
            if (!running.isEmpty()) {
                releaseReceived = true;
                LOG.debug("A-RELEASE-RQ from {} with {} operation(s) running: RP after them", remoteAETitle(),
                        running.size());
                return false;
            }
        }
        sendReleaseRP();
        return true;
    }

    /**
     * The peer half-closed its side after its A-RELEASE-RQ, while operations still run: it can send nothing more,
     * but the final responses and the A-RELEASE-RP are still owed. Waits for them (up to the idle timeout, one
     * minute without one); true if a release was pending.
     */
    private boolean releasePendingAfterEof() {
        synchronized (operationsDone) {
            if (!releaseReceived) {
                return false;
            }
        }
        try {
            closed.get(settings.idleTimeout() > 0 ? settings.idleTimeout() : 60_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("{} released the association, but its operations did not finish in time", remoteAETitle());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void sendReleaseRP() throws IOException {
        if (releaseAnswered.compareAndSet(false, true)) {
            sendPdu(AReleaseRP.INSTANCE);
            end(new IOException("association released by " + remoteAETitle()));
        }
    }

    // ---------------------------------------------------------------- reading

    /** Starts the reader on its own thread (the SCU side). */
    void startReader(String threadName) {
        Thread t = new Thread(this::serve, threadName);
        t.setDaemon(true);
        t.start();
    }

    /** The reader loop: runs until the association is released or aborted. */
    void serve() {
        readerThread = Thread.currentThread();
        try {
            socket.setSoTimeout(settings.idleTimeout());
            while (true) {
                boolean more;
                try {
                    more = nextPdv();
                } catch (SocketTimeoutException e) {
                    if (busy() && pduReader.atPduBoundary()) {
                        continue; // an operation is under way (a long C-MOVE, say): the peer may well be silent
                    }
                    throw e;
                }
                if (!more) {
                    break;
                }
                onPdv();
            }
        } catch (SocketTimeoutException e) {
            LOG.warn("Association {} -> {}: no activity for {} ms, aborting", callingAETitle(), calledAETitle(),
                    settings.idleTimeout());
            abort(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_NOT_SPECIFIED));
        } catch (PduException e) {
            LOG.warn("Association {} -> {}: protocol error from {}: {}; sending A-ABORT", callingAETitle(),
                    calledAETitle(), remoteAddress(), e.getMessage());
            abortAndLinger(e.toAbort(), in, DicomServer.lingerMillis(settings));
        } catch (IOException e) {
            if (!ended && !aborting) {
                LOG.warn("Association {} -> {}: connection to {} lost: {}", callingAETitle(), calledAETitle(),
                        remoteAddress(), e.getMessage());
            }
            end(e);
        } catch (RuntimeException e) {
            LOG.error("Association {} -> {}: internal error, aborting", callingAETitle(), calledAETitle(), e);
            abort(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_NOT_SPECIFIED));
        } finally {
            end(new IOException("association with " + remoteAETitle() + " ended"));
        }
    }

    /**
     * True while silence from the peer is expected: requests of the peer's are running here, or a write is in
     * progress (one blocked for good is aborted by the server's sweep), or our calls await responses under a
     * response timeout (without one, the idle timeout stays the only bound on a peer that went away).
     */
    private boolean busy() {
        return !running.isEmpty() || writeStarted != 0 || (!pending.isEmpty() && settings.responseTimeout() > 0);
    }

    /** Advances to the next PDV, reading PDUs as needed; false when the association has ended. */
    boolean nextPdv() throws IOException {
        while (cursor == null || !cursor.next()) {
            cursor = null;
            Pdu pdu;
            try {
                pdu = pduReader.read();
            } catch (java.io.EOFException e) {
                if (ended || aborting || releasePendingAfterEof()) {
                    return false;
                }
                throw new IOException("peer closed the connection without A-RELEASE or A-ABORT");
            }
            if (pdu instanceof PDataTF p) {
                cursor = p.pdvs();
            } else if (pdu instanceof AReleaseRQ) {
                LOG.debug("A-RELEASE-RQ from {}", remoteAETitle());
                if (commandAwaitingData != null || commandBytes.size() > 0 || readingDataSet) {
                    throw new PduException(AAbort.REASON_UNEXPECTED_PDU, "A-RELEASE-RQ in the middle of a DIMSE message");
                }
                if (releaseWhenIdle()) {
                    return false;
                }
            } else if (pdu instanceof AReleaseRP && releaseRequested.get()) {
                end(new IOException("association released"));
                return false;
            } else if (pdu instanceof AAbort a) {
                LOG.info("Association {} -> {} aborted by {}: {}", callingAETitle(), calledAETitle(),
                        remoteAETitle(), a.describe());
                end(new IOException(remoteAETitle() + " aborted the association: " + a.describe()));
                return false;
            } else {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU, "unexpected " + Pdu.typeName(pdu.type())
                        + " on an established association");
            }
        }
        return true;
    }

    PDataTF.Cursor cursor() {
        return cursor;
    }

    private void onPdv() throws IOException {
        int pcid = cursor.presentationContextId();
        if (transferSyntax(pcid) == null) {
            throw new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
                    "P-DATA for presentation context " + pcid + ", which was not accepted");
        }
        if (cursor.isCommand()) {
            if (commandAwaitingData != null) {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, "a command arrived where a data set was expected");
            }
            if (commandBytes.size() > 0 && pcid != commandPcid) {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER,
                        "command fragments on presentation contexts " + commandPcid + " and " + pcid);
            }
            commandPcid = pcid;
            commandBytes.write(cursor.buffer(), cursor.valueOffset(), cursor.valueLength());
            if (commandBytes.size() > 1 << 20) {
                throw new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, "command set larger than 1 MiB");
            }
            if (!cursor.isLast()) {
                return;
            }
            DataSet cmd;
            try {
                cmd = Commands.decode(commandBytes.toByteArray(), 0, commandBytes.size());
            } catch (IOException | RuntimeException e) {
                // whatever the bytes are, a command set that does not decode is the peer's protocol error
                throw new PduException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, "undecodable command set: " + e.getMessage());
            } finally {
                commandBytes.reset();
            }
            if (Commands.hasDataSet(cmd)) {
                commandAwaitingData = cmd;
            } else {
                dispatch(pcid, cmd, null);
            }
        } else {
            if (commandAwaitingData == null) {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, "a data set arrived without a command");
            }
            if (pcid != commandPcid) {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER, "the data set came on presentation context "
                        + pcid + ", its command on " + commandPcid);
            }
            DataSet cmd = commandAwaitingData;
            commandAwaitingData = null;
            PDVInputStream data = new PDVInputStream(this, pcid);
            readingDataSet = true;
            try {
                dispatch(pcid, cmd, data);
                data.drain();
            } finally {
                readingDataSet = false;
            }
        }
    }

    private DataSet readDataSet(int pcid, InputStream data) throws IOException {
        DicomInputStream in = new DicomInputStream(data);
        in.setTransferSyntax(TransferSyntax.of(transferSyntax(pcid)));
        return in.readDataSet();
    }

    private void dispatch(int pcid, DataSet cmd, PDVInputStream data) throws IOException {
        int field = cmd.getInt(Tag.CommandField, -1);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} <- {}: {}", localAETitle(), remoteAETitle(), Commands.summary(cmd));
        }
        if (CommandField.isResponse(field)) {
            onResponse(pcid, cmd, data);
            return;
        }
        DimseRequest request = new DimseRequest(this, pcid, transferSyntax(pcid), cmd);
        switch (field) {
            case CommandField.C_ECHO_RQ -> respond(request, Status.SUCCESS, null, null);
            case CommandField.C_STORE_RQ -> {
                if (data == null) {
                    respond(request, Status.CANNOT_UNDERSTAND, "C-STORE-RQ without a data set", null);
                } else {
                    provider.store(request, data);
                }
            }
            case CommandField.C_CANCEL_RQ -> {
                AtomicBoolean c = running.get(cmd.getInt(Tag.MessageIDBeingRespondedTo, -1));
                if (c != null) {
                    c.set(true);
                }
            }
            case CommandField.C_FIND_RQ, CommandField.C_MOVE_RQ, CommandField.C_GET_RQ,
                    CommandField.N_ACTION_RQ, CommandField.N_EVENT_REPORT_RQ -> {
                DataSet identifier;
                try {
                    identifier = data != null ? readDataSet(pcid, data) : new DataSet();
                } catch (IOException | RuntimeException e) {
                    if (data != null && data.brokenConnection()) {
                        throw data.failure();
                    }
                    respond(request, Status.CANNOT_UNDERSTAND, "cannot decode the identifier: " + e.getMessage(), null);
                    return;
                }
                if (running.containsKey(request.messageID())) {
                    respond(request, Status.DUPLICATE_INVOCATION, "message ID " + request.messageID() + " is in use", null);
                    return;
                }
                // without an asynchronous operations window one operation at a time is allowed (PS3.7 D.3.3.3):
                // tolerate a few more, but a peer must not queue unbounded work on the shared workers
                if (running.size() >= MAX_RUNNING_OPERATIONS) {
                    respond(request, Status.OUT_OF_RESOURCES, "too many operations outstanding", null);
                    return;
                }
                AtomicBoolean cancelled = new AtomicBoolean();
                running.put(request.messageID(), cancelled); // only this (reader) thread adds
                try {
                    workers.execute(() -> runOperation(request, identifier, cancelled));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    running.remove(request.messageID());
                    respond(request, Status.OUT_OF_RESOURCES, "the server is shutting down", null);
                }
            }
            default -> respond(request, Status.UNRECOGNIZED_OPERATION,
                    "unsupported command " + CommandField.name(field), null);
        }
    }

    private void onResponse(int pcid, DataSet cmd, PDVInputStream data) throws IOException {
        int id = cmd.getInt(Tag.MessageIDBeingRespondedTo, -1);
        Pending p = pending.get(id);
        DataSet ds = null;
        if (data != null) {
            try {
                ds = readDataSet(pcid, data);
            } catch (IOException | RuntimeException e) {
                if (data.brokenConnection()) {
                    throw data.failure();
                }
                LOG.warn("{} sent a response to message {} with an undecodable data set: {}", remoteAETitle(), id,
                        e.getMessage());
                if (p != null) {
                    p.result.completeExceptionally(new DicomStreamException("undecodable data set in the response from "
                            + remoteAETitle() + ": " + e.getMessage()));
                }
                return;
            }
        }
        if (p == null) {
            LOG.warn("{} sent a response to message {}, which is not outstanding: ignored", remoteAETitle(), id);
            return;
        }
        p.lastActivity = System.currentTimeMillis();
        DimseResponse rsp = new DimseResponse(cmd, ds);
        if (Status.isPending(rsp.status())) {
            if (p.onPending != null) {
                p.onPending.accept(rsp);
            }
        } else {
            p.result.complete(rsp);
        }
    }

    private void runOperation(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) {
        try {
            provider.perform(request, identifier, cancelled);
        } finally {
            boolean releaseNow;
            synchronized (operationsDone) {
                running.remove(request.messageID());
                releaseNow = releaseReceived && running.isEmpty();
            }
            operationFinished();
            if (releaseNow) {
                try {
                    sendReleaseRP();
                } catch (IOException e) {
                    end(e);
                }
            }
        }
    }

    /** Sends the response to a request, with an Error Comment and a data set when given. */
    void respond(DimseRequest request, int status, String errorComment, DataSet data) throws IOException {
        respond(request, Commands.response(request.command(), status, data != null), errorComment, data);
    }

    void respond(DimseRequest request, DataSet rsp, String errorComment, DataSet data) throws IOException {
        int status = rsp.getInt(Tag.Status, Status.SUCCESS);
        if (!Status.isPending(status)) {
            tally.record(request.command().getInt(Tag.CommandField, 0), status);
        }
        if (errorComment != null && !errorComment.isEmpty()) {
            rsp.setString(Tag.ErrorComment, VR.LO, errorComment.length() > 64 ? errorComment.substring(0, 64) : errorComment);
        }
        send(request.presentationContextId(), rsp, data == null ? null : dataWriter(request.presentationContextId(), data));
    }

    /** Pending responses to {@code request}, one per data set, written together. */
    void respondPending(DimseRequest request, List<DataSet> data) throws IOException {
        List<DataSet> cmds = new ArrayList<>(data.size());
        List<DataWriter> writers = new ArrayList<>(data.size());
        for (DataSet d : data) {
            cmds.add(Commands.response(request.command(), Status.PENDING, true));
            writers.add(dataWriter(request.presentationContextId(), d));
        }
        send(request.presentationContextId(), cmds, writers);
    }

    /** What this association's peer asked of us, in words: "300 C-STORE (2 failed), 1 C-FIND". */
    public String requestSummary() {
        return tally.toString();
    }

    @Override
    public String toString() {
        return callingAETitle() + "->" + calledAETitle() + "(" + remoteAddress() + ")";
    }
}
