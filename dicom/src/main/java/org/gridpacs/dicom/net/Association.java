package org.gridpacs.dicom.net;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
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
import java.util.function.Consumer;

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
    private final Services services;
    private final Executor workers;
    private final PduReader pduReader;
    private final OutputStream out;
    private final PduWriter pduWriter;
    private final PDataTFWriter pdataWriter;
    private final int maxFragment;
    private final Object writeLock = new Object();
    private final AtomicInteger nextMessageID = new AtomicInteger(1);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean releaseRequested = new AtomicBoolean();
    private final int maxOperationsInvoked;
    private final java.util.concurrent.Semaphore window;
    private volatile boolean ended;

    // reader state: only touched by the reader thread
    private PDataTF.Cursor cursor;
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
    private DataSet commandAwaitingData;

    Association(Socket socket, boolean requestor, AAssociateRQ rq, AAssociateAC ac, NetworkSettings settings,
                Services services, Executor workers, InputStream in, OutputStream rawOut) {
        this.socket = socket;
        this.requestor = requestor;
        this.rq = rq;
        this.ac = ac;
        this.settings = settings;
        this.services = services != null ? services : new Services();
        this.workers = workers;
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
        int pcid = presentationContextFor(sopClassUID, transferSyntaxUID);
        if (pcid < 0) {
            throw new NoPresentationContextException(sopClassUID, transferSyntaxUID);
        }
        DataSet cmd = Commands.request(CommandField.C_STORE_RQ, nextMessageID(), sopClassUID, true);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, sopInstanceUID);
        if (moveOriginatorAET != null) {
            cmd.setString(Tag.MoveOriginatorApplicationEntityTitle, VR.AE, moveOriginatorAET);
            cmd.setInt(Tag.MoveOriginatorMessageID, VR.US, moveOriginatorMessageID);
        }
        return call(pcid, cmd, data, null);
    }

    /** C-FIND: each match is given to {@code onMatch} (on the reader thread); returns the final response. */
    public DimseResponse find(String sopClassUID, DataSet keys, Consumer<DataSet> onMatch)
            throws IOException, InterruptedException {
        return invoke(sopClassUID, CommandField.C_FIND_RQ, null, keys,
                rsp -> onMatch.accept(rsp.dataSet()), null);
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
        TransferSyntax ts = TransferSyntax.of(transferSyntax(pcid));
        DataWriter writer = data == null ? null : os -> {
            DicomOutputStream dos = new DicomOutputStream(os);
            dos.setTransferSyntax(ts);
            dos.writeDataSet(data);
            dos.finish();
        };
        return call(pcid, cmd, writer, onPending);
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
        p.result.whenComplete((r, e) -> {
            pending.remove(id);
            window.release();
        });
        try {
            send(pcid, cmd, data);
        } catch (IOException | RuntimeException e) {
            p.result.completeExceptionally(e);
            throw e;
        }
        return p;
    }

    /**
     * C-STORE without waiting for the response: up to the negotiated number of operations are outstanding
     * at once, which hides the round trip per instance. The future completes with the C-STORE response.
     */
    public CompletableFuture<DimseResponse> storeAsync(String sopClassUID, String sopInstanceUID,
                                                      String transferSyntaxUID, DataWriter data)
            throws IOException, InterruptedException {
        int pcid = presentationContextFor(sopClassUID, transferSyntaxUID);
        if (pcid < 0) {
            throw new NoPresentationContextException(sopClassUID, transferSyntaxUID);
        }
        DataSet cmd = Commands.request(CommandField.C_STORE_RQ, nextMessageID(), sopClassUID, true);
        cmd.setString(Tag.AffectedSOPInstanceUID, VR.UI, sopInstanceUID);
        return submit(pcid, cmd, data, null).result;
    }

    /** How many requests this side may have outstanding at once (the negotiated window; 1 by default). */
    public int maxOperationsInvoked() {
        return maxOperationsInvoked;
    }

    private static final class Pending {
        final CompletableFuture<DimseResponse> result = new CompletableFuture<>();
        final Consumer<DimseResponse> onPending;
        volatile long lastActivity = System.currentTimeMillis();

        Pending(Consumer<DimseResponse> onPending) {
            this.onPending = onPending;
        }
    }

    // ---------------------------------------------------------------- sending

    /** Sends one DIMSE message: the command, then the data set if {@code data} is given. */
    void send(int pcid, DataSet cmd, DataWriter data) throws IOException {
        byte[] c = Commands.encode(cmd);
        synchronized (writeLock) {
            if (ended) {
                throw new IOException("association with " + remoteAETitle() + " is closed");
            }
            pdataWriter.writeFragmented(pcid, true, c, 0, c.length, maxFragment);
            if (data != null) {
                PDataOutputStream pos = new PDataOutputStream(out, pcid, maxFragment);
                data.writeTo(pos);
                pos.finish();
            }
            out.flush();
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} -> {}: {}", localAETitle(), remoteAETitle(), Commands.summary(cmd));
        }
    }

    private void sendPdu(Pdu pdu) throws IOException {
        synchronized (writeLock) {
            pduWriter.write(pdu);
            out.flush();
        }
    }

    // ---------------------------------------------------------------- release and abort

    /** A-RELEASE: waits (up to ARTIM) for the peer's A-RELEASE-RP, then closes the connection. */
    public void release() throws IOException {
        if (ended || !releaseRequested.compareAndSet(false, true)) {
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
        if (!ended) {
            try {
                sendPdu(pdu);
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
        if (ended) {
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
        try {
            socket.setSoTimeout(settings.idleTimeout());
            while (nextPdv()) {
                onPdv();
            }
        } catch (SocketTimeoutException e) {
            LOG.warn("Association {} -> {}: no activity for {} s, aborting", callingAETitle(), calledAETitle(),
                    settings.idleTimeout() / 1000);
            abort(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_NOT_SPECIFIED));
        } catch (PduException e) {
            LOG.warn("Association {} -> {}: protocol error from {}: {}; sending A-ABORT", callingAETitle(),
                    calledAETitle(), remoteAddress(), e.getMessage());
            abort(e.toAbort());
        } catch (IOException e) {
            if (!ended) {
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

    /** Advances to the next PDV, reading PDUs as needed; false when the association has ended. */
    boolean nextPdv() throws IOException {
        while (cursor == null || !cursor.next()) {
            cursor = null;
            Pdu pdu;
            try {
                pdu = pduReader.read();
            } catch (java.io.EOFException e) {
                if (ended) {
                    return false;
                }
                throw new IOException("peer closed the connection without A-RELEASE or A-ABORT");
            }
            if (pdu instanceof PDataTF p) {
                cursor = p.pdvs();
            } else if (pdu instanceof AReleaseRQ) {
                LOG.debug("A-RELEASE-RQ from {}", remoteAETitle());
                sendPdu(AReleaseRP.INSTANCE);
                end(new IOException("association released by " + remoteAETitle()));
                return false;
            } else if (pdu instanceof AReleaseRP) {
                end(new IOException("association released"));
                return false;
            } else if (pdu instanceof AAbort a) {
                LOG.info("Association {} -> {} aborted by {}: {}", callingAETitle(), calledAETitle(),
                        remoteAETitle(), a.describe());
                end(new IOException(remoteAETitle() + " aborted the association: " + a.describe()));
                return false;
            } else {
                throw new PduException(AAbort.REASON_UNEXPECTED_PDU, "unexpected " + pdu.getClass().getSimpleName()
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
            } catch (DicomStreamException | java.io.EOFException e) {
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
            DataSet cmd = commandAwaitingData;
            commandAwaitingData = null;
            PDVInputStream data = new PDVInputStream(this, pcid);
            dispatch(pcid, cmd, data);
            data.drain();
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
            case CommandField.C_STORE_RQ -> onStore(request, data);
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
                } catch (DicomStreamException e) {
                    respond(request, Status.CANNOT_UNDERSTAND, "cannot decode the identifier: " + e.getMessage(), null);
                    return;
                }
                AtomicBoolean cancelled = new AtomicBoolean();
                running.put(request.messageID(), cancelled);
                workers.execute(() -> runOperation(request, identifier, cancelled));
            }
            default -> respond(request, Status.UNRECOGNIZED_OPERATION,
                    "unsupported command " + CommandField.name(field), null);
        }
    }

    private void onResponse(int pcid, DataSet cmd, PDVInputStream data) throws IOException {
        DataSet ds = data != null ? readDataSet(pcid, data) : null;
        int id = cmd.getInt(Tag.MessageIDBeingRespondedTo, -1);
        Pending p = pending.get(id);
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

    private void onStore(DimseRequest request, PDVInputStream data) throws IOException {
        Handlers.Store handler = services.store();
        if (handler == null) {
            respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not store instances", null);
            return;
        }
        int status;
        String comment = null;
        try {
            status = handler.store(request, data);
        } catch (DimseException e) {
            status = e.status();
            comment = e.getMessage();
            LOG.warn("C-STORE of {} from {} failed: {}", request.sopInstanceUID(), request.callingAETitle(), e.toString());
        } catch (DicomStreamException e) {
            status = Status.CANNOT_UNDERSTAND;
            comment = e.getMessage();
            LOG.warn("C-STORE of {} from {}: cannot understand the data set: {}", request.sopInstanceUID(),
                    request.callingAETitle(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (ended || data.brokenConnection()) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
            status = Status.OUT_OF_RESOURCES;
            comment = e.getMessage();
            LOG.error("C-STORE of {} from {} failed", request.sopInstanceUID(), request.callingAETitle(), e);
        }
        data.drain();
        respond(request, status, comment, null);
    }

    private void runOperation(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) {
        int field = request.command().getInt(Tag.CommandField, -1);
        try {
            switch (field) {
                case CommandField.C_FIND_RQ -> runFind(request, identifier, cancelled);
                case CommandField.C_MOVE_RQ, CommandField.C_GET_RQ -> runRetrieve(request, identifier, cancelled);
                default -> runNormalized(request, identifier, field);
            }
        } catch (IOException e) {
            if (!ended) {
                LOG.warn("{} from {} could not be answered: {}", CommandField.name(field), request.callingAETitle(), e.getMessage());
            }
        } finally {
            running.remove(request.messageID());
        }
    }

    private void runFind(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) throws IOException {
        Handlers.Find handler = services.find();
        if (handler == null) {
            respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not answer C-FIND", null);
            return;
        }
        Handlers.QueryResponder responder = new Handlers.QueryResponder() {
            @Override
            public boolean pending(DataSet match) throws IOException {
                if (cancelled.get()) {
                    return false;
                }
                respond(request, Status.PENDING, null, match);
                return true;
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        try {
            handler.find(request, identifier, responder);
            respond(request, cancelled.get() ? Status.CANCEL : Status.SUCCESS, null, null);
        } catch (DimseException e) {
            respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            failed(request, "C-FIND", e, Status.UNABLE_TO_PROCESS);
        } catch (RuntimeException e) {
            LOG.error("C-FIND from {} failed", request.callingAETitle(), e);
            respond(request, Status.UNABLE_TO_PROCESS, String.valueOf(e.getMessage()), null);
        }
    }

    private void runRetrieve(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) throws IOException {
        boolean move = request.command().getInt(Tag.CommandField, 0) == CommandField.C_MOVE_RQ;
        Handlers.Retrieve handler = move ? services.move() : services.get();
        if (handler == null) {
            respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not answer " + (move ? "C-MOVE" : "C-GET"), null);
            return;
        }
        RetrieveProgress progress = new RetrieveProgress(this, request, cancelled);
        try {
            handler.retrieve(request, identifier, progress);
            progress.sendFinal();
        } catch (DimseException e) {
            respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            // e.g. the move destination cannot be reached: the requester still needs a final response
            failed(request, move ? "C-MOVE" : "C-GET", e, Status.OUT_OF_RESOURCES_SUB_OPERATIONS);
        } catch (RuntimeException e) {
            LOG.error("{} from {} failed", move ? "C-MOVE" : "C-GET", request.callingAETitle(), e);
            respond(request, Status.UNABLE_TO_PROCESS, String.valueOf(e.getMessage()), null);
        }
    }

    private void runNormalized(DimseRequest request, DataSet information, int field) throws IOException {
        Handlers.Normalized handler = field == CommandField.N_ACTION_RQ ? services.action() : services.eventReport();
        if (handler == null) {
            respond(request, Status.NO_SUCH_SOP_CLASS, "unsupported " + CommandField.name(field), null);
            return;
        }
        try {
            DataSet reply = handler.handle(request, information);
            respond(request, Status.SUCCESS, null, reply);
        } catch (DimseException e) {
            respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            failed(request, CommandField.name(field), e, Status.PROCESSING_FAILURE);
        } catch (RuntimeException e) {
            LOG.error("{} from {} failed", CommandField.name(field), request.callingAETitle(), e);
            respond(request, Status.PROCESSING_FAILURE, String.valueOf(e.getMessage()), null);
        }
    }

    /**
     * A handler failed with an I/O error. If it was not this association that broke (a file, a database, the
     * C-MOVE destination), answer with a failure status instead of leaving the requester waiting forever.
     */
    private void failed(DimseRequest request, String what, IOException e, int status) throws IOException {
        if (ended) {
            throw e;
        }
        LOG.warn("{} from {} failed: {}", what, request.callingAETitle(), e.toString());
        respond(request, status, String.valueOf(e.getMessage()), null);
    }

    /** Sends the response to a request, with an Error Comment and a data set when given. */
    void respond(DimseRequest request, int status, String errorComment, DataSet data) throws IOException {
        respond(request, Commands.response(request.command(), status, data != null), errorComment, data);
    }

    void respond(DimseRequest request, DataSet rsp, String errorComment, DataSet data) throws IOException {
        if (errorComment != null && !errorComment.isEmpty()) {
            rsp.setString(Tag.ErrorComment, VR.LO, errorComment.length() > 64 ? errorComment.substring(0, 64) : errorComment);
        }
        TransferSyntax ts = TransferSyntax.of(request.transferSyntaxUID());
        send(request.presentationContextId(), rsp, data == null ? null : os -> {
            DicomOutputStream dos = new DicomOutputStream(os);
            dos.setTransferSyntax(ts);
            dos.writeDataSet(data);
            dos.finish();
        });
    }

    @Override
    public String toString() {
        return callingAETitle() + "->" + calledAETitle() + "(" + remoteAddress() + ")";
    }

    static boolean isInterrupt(IOException e) {
        return e instanceof InterruptedIOException;
    }
}
