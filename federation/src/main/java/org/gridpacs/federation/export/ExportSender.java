package org.gridpacs.federation.export;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.worker.QueueWorker;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AsyncOperationsWindow;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.UserInformation;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.audit.TransferAccumulator;
import org.gridpacs.federation.deid.DeidentificationRefusedException;
import org.gridpacs.federation.deid.DeidentifiedInstance;
import org.gridpacs.federation.deid.Deidentifier;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the {@link ExportQueue} on its own thread, one export at a time: reads the study's stored instances,
 * de-identifies them when the profile says so (one {@link Deidentifier} per export, keyed by the destination, so
 * UIDs and references agree within the study and with earlier exports there), and sends them with C-STORE over the
 * federation's mutual TLS to the destination's gateway, recording each acknowledged instance. A failed attempt (the
 * site down) leaves the export QUEUED with a backoff; a permanent problem makes it FAILED. One Export audit message
 * (110106) per export, when it ends.
 *
 * <p>From the receiver's side an instance arrives once: a resumed export skips what was acknowledged, and those
 * in flight when the sender stopped (a window of {@link #WINDOW}) go again under the same SOP Instance UIDs
 * (de-identified UIDs are a keyed function of the original, and the output deterministic), so the receiver's store
 * sees the same object twice and keeps one (GridPACS: "already stored", success). An object that differs under
 * the same UID (the study exported before under another profile) is refused by a receiver with the default
 * duplicate policy (0x0111): counted as there, the warning kept.
 */
public final class ExportSender implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ExportSender.class);
    /** C-STOREs outstanding at once (each instance is held in memory until answered). */
    static final int WINDOW = 4;

    /** Test hook: called after the destination acknowledged an instance, before it is recorded. */
    interface AfterStore {
        void acknowledged(Export export, String sopInstanceUID);
    }

    private final ExportQueue queue;
    private final RetrieveService retrieve;
    private final StoredHeaders headers;
    private final FederationSettings sites;
    private final FederationConnector connector;
    private final ExportSettings settings;
    private final byte[] secret;
    private final AuditMessages audit;
    private final AuditTrail trail;
    private final QueueWorker worker;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    AfterStore afterStore = (e, sop) -> { };

    public ExportSender(ExportQueue queue, RetrieveService retrieve, StoredHeaders headers, FederationSettings sites,
                        FederationConnector connector, ExportSettings settings, byte[] secret, AuditMessages audit,
                        AuditTrail trail) {
        this.queue = queue;
        this.retrieve = retrieve;
        this.headers = headers;
        this.sites = sites;
        this.connector = connector;
        this.settings = settings;
        this.secret = secret.clone();
        this.audit = audit;
        this.trail = trail;
        this.worker = new QueueWorker("federation-export", "Exports", this::pass);
    }

    public ExportSender start() {
        worker.start();
        return this;
    }

    /** Something was queued: look now. */
    public void wake() {
        worker.wake();
    }

    public ExportQueue queue() {
        return queue;
    }

    /** One export, if one is due; else the wait until the next. */
    private long pass() throws SQLException {
        Optional<Export> due = queue.nextDue();
        if (due.isPresent()) {
            sendOne(due.get());
            return 0;
        }
        return QueueWorker.untilDue(queue.nextTry());
    }

    /** A problem that trying again will not solve. */
    private static final class Permanent extends Exception {
        Permanent(String message) {
            super(message);
        }
    }

    void sendOne(Export e) throws SQLException {
        try {
            RemoteSite site = sites.remote(e.destination()).orElseThrow(() -> new Permanent("'" + e.destination()
                    + "' is not a remote site of conf/federation.properties"));
            if (!site.mayThere(Permission.SEND)) {
                throw new Permanent("we may not send to " + site.name() + " (its may-there lacks send)");
            }
            ExportProfile profile = ExportProfile.parse(e.profile());
            List<IndexedInstance> instances = instances(e.studyInstanceUID());
            if (instances.isEmpty()) {
                throw new Permanent("the study " + e.studyInstanceUID() + " is not in this archive");
            }
            queue.sending(e.id(), instances.size());
            Set<String> sent = queue.sentInstances(e.id());
            List<IndexedInstance> todo = instances.stream().filter(i -> !sent.contains(i.sopInstanceUID())).toList();
            String sentStudy = e.sentStudyUid();
            if (!todo.isEmpty()) {
                sentStudy = send(e, site, profile, todo);
            }
            queue.done(e.id());
            LOG.info("Export {} of study {} to {} done: {} instance(s){}", e.id(), e.studyInstanceUID(), site.name(),
                    instances.size(), profile.deidentifies() ? ", de-identified (" + profile.name() + ")" : "");
            audit(e, site, profile, instances, sentStudy, null);
        } catch (Permanent | DeidentificationRefusedException | IllegalArgumentException ex) {
            String text = ex.getMessage();
            LOG.warn("Export {} of study {} to {} failed for good: {}", e.id(), e.studyInstanceUID(), e.destination(),
                    text);
            queue.failed(e.id(), text);
            sites.remote(e.destination()).ifPresent(site -> auditFailure(e, site, text));
        } catch (IOException | QueryException | RuntimeException ex) {
            // a bug met on one export (a RuntimeException) waits with backoff too, rather than spinning
            String text = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            lastError.set(text);
            int attempts = e.attempts() + 1;
            if (settings.maxAttempts() > 0 && attempts >= settings.maxAttempts()) {
                LOG.warn("Export {} to {}: attempt {} failed ({}); given up", e.id(), e.destination(), attempts, text);
                queue.failed(e.id(), "after " + attempts + " attempts: " + text);
                sites.remote(e.destination()).ifPresent(site -> auditFailure(e, site, text));
                return;
            }
            Instant next = Instant.now().plus(settings.backoff(attempts));
            LOG.info("Export {} of study {} to {}: attempt {} failed ({}); trying again at {}", e.id(),
                    e.studyInstanceUID(), e.destination(), attempts, text, next);
            queue.retryLater(e.id(), text, next);
        }
    }

    private List<IndexedInstance> instances(String studyUid) throws QueryException {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
        return retrieve.resolve(QueryModel.STUDY_ROOT, keys);
    }

    /** Sends {@code todo} on one association; returns the Study Instance UID the destination holds. */
    private String send(Export e, RemoteSite site, ExportProfile profile, List<IndexedInstance> todo)
            throws IOException, Permanent, DeidentificationRefusedException {
        Deidentifier deid = profile.deidentifies() ? Deidentifier.forExport(secret, site.name(), profile.options())
                : null;
        AAssociateRQ rq = connector.request(site);
        Map<String, Set<String>> contexts = new LinkedHashMap<>();
        for (IndexedInstance i : todo) {
            contexts.computeIfAbsent(i.sopClassUID(), k -> new LinkedHashSet<>()).add(i.transferSyntaxUID());
        }
        int id = 1;
        for (Map.Entry<String, Set<String>> c : contexts.entrySet()) {
            rq.addPresentationContext(new PresentationContext.RQ(id, c.getKey(), new ArrayList<>(c.getValue())));
            id += 2;
        }
        // a window of outstanding C-STOREs hides the round trip and the receiver's disk sync per instance
        rq.setUserInformation(new UserInformation().setAsyncOperationsWindow(new AsyncOperationsWindow(WINDOW, 1)));
        String sentStudy = null;
        try (Association as = connector.connect(site, rq, null)) {
            ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
            for (IndexedInstance i : todo) {
                if (worker.stopping()) {
                    throw new IOException("the node is stopping");
                }
                Outgoing out = prepare(i, deid);
                try {
                    inFlight.add(new InFlight(i, out, as.storeAsync(i.sopClassUID(), out.sopInstanceUID,
                            out.transferSyntax, o -> o.write(out.data))));
                } catch (org.gridpacs.dicom.net.NoPresentationContextException nc) {
                    // the site accepts neither this SOP class nor this transfer syntax: asking again will not help
                    throw new Permanent(site.name() + " does not accept " + i.sopClassUID() + " in "
                            + out.transferSyntax + " (instance " + i.sopInstanceUID() + "): " + nc.getMessage());
                }
                while (inFlight.size() >= Math.max(1, as.maxOperationsInvoked())) {
                    sentStudy = settle(e, site, inFlight.poll());
                }
            }
            while (!inFlight.isEmpty()) {
                sentStudy = settle(e, site, inFlight.poll());
            }
            as.release();
        } catch (SQLException ex) {
            throw new IOException("the export queue could not record progress: " + ex.getMessage(), ex);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        }
        return sentStudy;
    }

    private record Outgoing(String sopInstanceUID, String studyInstanceUID, String transferSyntax, byte[] data) {
    }

    private record InFlight(IndexedInstance instance, Outgoing out, CompletableFuture<DimseResponse> response) {
    }

    /**
     * Waits for the destination's answer to one C-STORE and records the instance as sent; returns the study UID
     * the destination holds. In order of sending, so what is recorded is a prefix of what was acknowledged.
     */
    private String settle(Export e, RemoteSite site, InFlight f)
            throws IOException, SQLException, Permanent, InterruptedException {
        DimseResponse rsp;
        try {
            rsp = f.response().get();
        } catch (ExecutionException ex) {
            Throwable c = ex.getCause();
            throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
        }
        int status = rsp.status();
        String sop = f.out().sopInstanceUID;
        if (status == Status.DUPLICATE_SOP_INSTANCE) {
            LOG.warn("Export {}: {} holds another object under {} already (exported before with another"
                    + " profile?): left as it is", e.id(), site.name(), sop);
        } else if (status == Status.NOT_AUTHORIZED) {
            throw new Permanent(site.name() + " refuses our C-STORE (" + rsp.describe() + "): it does not let"
                    + " us send (its may-here lacks send for us)");
        } else if (Status.isFailure(status)) {
            throw new IOException(site.name() + " refused " + sop + ": " + rsp.describe());
        }
        afterStore.acknowledged(e, f.instance().sopInstanceUID());
        queue.instanceSent(e.id(), f.instance().sopInstanceUID(), f.out().studyInstanceUID);
        return f.out().studyInstanceUID;
    }

    /** The instance as it goes: read from storage, de-identified when asked, encoded in its stored syntax. */
    private Outgoing prepare(IndexedInstance i, Deidentifier deid) throws IOException, DeidentificationRefusedException {
        try (StoredInstance stored = retrieve.open(i)) {
            String ts = stored.transferSyntax().uid();
            if (deid == null) {
                byte[] data = readAll(stored.dataSet());
                return new Outgoing(i.sopInstanceUID(), i.studyInstanceUID(), ts, data);
            }
            DicomInputStream in = new DicomInputStream(stored.dataSet());
            in.setTransferSyntax(stored.transferSyntax());
            DataSet ds = in.readDataSet();
            DeidentifiedInstance d = deid.deidentify(null, ds, ts);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(buf);
            dos.setTransferSyntax(stored.transferSyntax());
            dos.writeDataSet(ds);
            dos.finish();
            return new Outgoing(d.sopInstanceUID(), d.studyInstanceUID(), ts, buf.toByteArray());
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private ActiveParticipant us() {
        return new ActiveParticipant(sites.aeTitle(), sites.siteName(), null, true, AuditCode.SOURCE);
    }

    private static ActiveParticipant them(RemoteSite site) {
        return new ActiveParticipant(site.aeTitle(), site.name(), site.host(), false, AuditCode.DESTINATION);
    }

    /** The export's one Export message: every instance of the study, from the index's headers. */
    private void audit(Export e, RemoteSite site, ExportProfile profile, List<IndexedInstance> instances,
                       String sentStudy, String failure) {
        auditExport(e, site, t -> {
            if (profile.deidentifies() && sentStudy != null) {
                t.deidentified(e.studyInstanceUID(), sentStudy, profile.method());
            }
            t.finish(failure, trail);
        });
    }

    private void auditFailure(Export e, RemoteSite site, String reason) {
        auditExport(e, site, t -> {
            t.failed(reason);
            t.finish(reason, trail);
        });
    }

    /** One Export audit message naming the study's instances; {@code outcome} adds the result and records it. */
    private void auditExport(Export e, RemoteSite site, AuditOutcome outcome) {
        try {
            TransferAccumulator t = audit.export(us(), them(site));
            headers.forEach(e.studyInstanceUID(), null, null, row -> {
                DataSet h = row.header();
                t.add(h.getString(Tag.PatientID, ""), h.getString(Tag.PatientName), row.studyInstanceUID(),
                        h.getString(Tag.AccessionNumber), row.sopClassUID());
            });
            outcome.record(t);
        } catch (SQLException | IOException | RuntimeException ex) {
            LOG.error("Export {}: its audit message could not be made: {}", e.id(), ex.toString());
        }
    }

    private interface AuditOutcome {
        void record(TransferAccumulator t) throws IOException;
    }

    /** The last failed attempt's error (null after none). */
    public String lastError() {
        return lastError.get();
    }

    @Override
    public void close() {
        worker.close();
    }
}
