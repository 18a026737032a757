package org.gridpacs.replication.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.CopyCatalog.StudyDigest;
import org.gridpacs.archive.index.HierarchyConflictException;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of the peer transport, under /peer/: other nodes push copies here, read copies from here,
 * announce their copies, and compare their view of this node's copies with this node's own.
 *
 * <pre>
 * PUT  /peer/instances           a stored object (as stored: File Meta Information, data set); stored and indexed
 *                                here, with the origin's copy recorded; 201 with this node's key, size, checksum
 * GET  /peer/objects?key=K       one of this node's stored objects, whole
 * POST /peer/announcements       a batch of announcements (AnnouncementCodec), applied in order
 * GET  /peer/buckets             "bucket copies digest" lines for the copies this node holds (kept, not computed)
 * GET  /peer/digests[?bucket=N]   "study copies digest" lines for the copies this node holds (in one bucket)
 * GET  /peer/copies?study=UID    this node's copies in a study, as announcements
 * PUT  /peer/instances/streamed  an object streamed while its origin stores it; stored and indexed here as this
 *                                node's copy (the origin's copy comes by announcement); 201 with key, size, checksum
 * DELETE /peer/instances?sop=UID&key=K  take back a streamed copy its origin refused (the instance too, if that
 *                                was its only copy)
 * POST /peer/flush?for=NODE      deliver what the outbox holds for NODE now; answers once delivered (bounded)
 * </pre>
 */
public final class PeerHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(PeerHandler.class);

    /** What the replication does when peers hand this node copies or news of copies. */
    public interface Events {
        /** This node now holds a copy {@code origin} pushed (already indexed): tell the other peers. */
        void copyReceived(String sopInstanceUID, String origin);

        /** Announcements changed what this node knows of these studies' copies: check their placement. */
        void studiesChanged(java.util.Set<String> studyInstanceUIDs);

        /** This node took back its copy {@code storageKey} (its origin refused the instance): tell the other peers. */
        default void copyWithdrawn(String sopInstanceUID, String storageKey, String origin) {
        }

        /**
         * Delivers what the outbox holds for {@code node} now, waiting at most {@code millis}; true when all of it
         * has gone (or there was nothing).
         */
        default boolean flushFor(String node, long millis) {
            return true;
        }
    }

    private final String self;
    /** This node's home storage: the one it writes into and speaks for (its id is in its copies' location rows). */
    private final Storage storage;
    private final StorageRegistry storages;
    private final StoreService store;
    private final CopyCatalog catalog;
    private final AnnouncementApplier applier;
    private final Events events;
    /** Who may do what here: a node's certificate acts only as that node. */
    private final PeerIdentity identity;
    /** The endpoints of streamed replication: streamed copies, taking them back, the read barrier's flush. */
    private final StreamedCopyEndpoints streamed;

    public PeerHandler(String self, Storage storage, StorageRegistry storages, StoreService store, CopyCatalog catalog,
                       Events events, PeerIdentity identity) {
        this.identity = identity;
        this.self = self;
        this.storage = storage;
        this.storages = storages;
        this.store = store;
        this.catalog = catalog;
        this.applier = new AnnouncementApplier(catalog);
        this.events = events;
        this.streamed = new StreamedCopyEndpoints(self, storage, storages, store, catalog, events);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        try {
            if (!identity.allowsMember(request, response, callback)) {
                return true;
            }
            switch (method + " " + path) {
                case "PUT /peer/instances" -> receiveCopy(request, response, callback);
                case "PUT /peer/instances/streamed" -> {
                    if (identity.allowsCopy(request, response, callback)) {
                        streamed.receive(request, response, callback);
                    }
                }
                case "DELETE /peer/instances" -> {
                    // only the copy's origin, as the caller's certificate proves it (checked below for the copy itself)
                    if (identity.allowsCopy(request, response, callback)) {
                        streamed.withdraw(request, response, callback);
                    }
                }
                case "POST /peer/flush" -> streamed.flush(request, response, callback);
                case "GET /peer/objects" -> sendObject(request, response, callback);
                case "POST /peer/announcements" -> receiveAnnouncements(request, response, callback);
                case "GET /peer/buckets" -> sendBuckets(response, callback);
                case "GET /peer/digests" -> sendDigests(request, response, callback);
                case "GET /peer/copies" -> sendCopies(request, response, callback);
                default -> answer(response, callback, 404, "no such peer operation: " + method + " " + path);
            }
        } catch (Exception e) {
            LOG.warn("Peer request {} {} failed: {}", method, path, e.toString());
            if (!response.isCommitted()) {
                answer(response, callback, 500, e.getMessage());
            } else {
                callback.failed(e);
            }
        }
        return true;
    }

    private void receiveCopy(Request request, Response response, Callback callback) throws IOException, SQLException {
        if (!identity.allowsCopy(request, response, callback)) {
            return;
        }
        String origin = request.getHeaders().get(PeerClient.ORIGIN);
        String originKey = request.getHeaders().get(PeerClient.ORIGIN_KEY);
        String checksum = request.getHeaders().get(PeerClient.CHECKSUM);
        String sourceAET = request.getHeaders().get(PeerClient.SOURCE_AET);
        if (origin == null || originKey == null) {
            answer(response, callback, 400, "a copy needs the " + PeerClient.ORIGIN + " and " + PeerClient.ORIGIN_KEY
                    + " headers");
            return;
        }
        String originStorage;
        try {
            // the origin names a node; its copy is on that node's home storage, the one it pushes from
            originStorage = storages.homeOf(origin);
        } catch (IllegalArgumentException e) {
            answer(response, callback, 400, "the origin " + origin + " is no node of this cluster");
            return;
        }
        StoreResult result = ReceivedObject.store(store, request, sourceAET, response, callback);
        if (result == null) {
            return;
        }
        String sop = result.header().sopInstanceUID();
        if (checksum != null && !checksum.isEmpty() && !checksum.equals(result.object().checksum())) {
            // never keep a copy that differs from the origin's: it would pass for a replica
            if (result.outcome() == StoreResult.Outcome.STORED) {
                catalog.removeCopy(storage.id(), sop);
                storage.remove(result.object().key());
            }
            answer(response, callback, 422, "the copy arrived with checksum " + result.object().checksum() + ", not "
                    + checksum);
            return;
        }
        try {
            catalog.addCopy(result.header(), sourceAET, new org.gridpacs.archive.index.IndexedInstance.Location(originStorage,
                    originKey, result.object().size(), checksum == null || checksum.isEmpty() ? null : checksum, "OK"),
                    received(request.getHeaders().get(PeerClient.RECEIVED)));
        } catch (HierarchyConflictException e) {
            LOG.warn("Copy of {} from {}: {}", sop, origin, e.getMessage());
        }
        if (result.outcome() != StoreResult.Outcome.ALREADY_STORED) {
            events.copyReceived(sop, origin);
        }
        ReceivedObject.created(result.object(), response, callback);
    }

    /** The origin's receipt time of a pushed object (conflicts are ordered by it); null when absent or garbled. */
    private static java.time.Instant received(String header) {
        try {
            return header == null ? null : java.time.Instant.parse(header);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private void sendObject(Request request, Response response, Callback callback) throws IOException {
        Fields query = Request.extractQueryParameters(request);
        String key = query.getValue("key");
        if (key == null) {
            answer(response, callback, 400, "which object? ?key= is missing");
            return;
        }
        InputStream in;
        try {
            in = storage.open(key);
        } catch (NoSuchFileException e) {
            answer(response, callback, 404, "no object " + key + " on " + self);
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/dicom");
        try (in; OutputStream out = Content.Sink.asOutputStream(response)) {
            in.transferTo(out);
        }
        callback.succeeded();
    }

    private void receiveAnnouncements(Request request, Response response, Callback callback) throws IOException {
        List<Announcement> batch;
        try (InputStream in = Content.Source.asInputStream(request)) {
            batch = AnnouncementCodec.read(in);
        } catch (IOException e) {
            answer(response, callback, 400, "malformed announcements: " + e.getMessage());
            return;
        }
        if (!identity.allowsAnnouncements(request, batch, response, callback)) {
            return;
        }
        java.util.Set<String> studies = applier.apply(batch);
        if (!studies.isEmpty()) {
            events.studiesChanged(studies);
        }
        answer(response, callback, 200, "applied " + batch.size());
    }

    private void sendBuckets(Response response, Callback callback) {
        Map<Integer, CopyCatalog.BucketDigest> buckets;
        try {
            buckets = catalog.bucketDigests(storage.id());
        } catch (SQLException e) {
            answer(response, callback, 500, "could not read the bucket digests: " + e.getMessage());
            return;
        }
        StringBuilder sb = new StringBuilder(buckets.size() * 32);
        for (CopyCatalog.BucketDigest d : buckets.values()) {
            sb.append(d.bucket()).append(' ').append(d.copies()).append(' ').append(d.digest()).append('\n');
        }
        answer(response, callback, 200, sb.toString());
    }

    private void sendDigests(Request request, Response response, Callback callback) throws IOException, SQLException {
        String bucket = Request.extractQueryParameters(request).getValue("bucket");
        int b;
        try {
            b = bucket == null ? -1 : Integer.parseInt(bucket);
        } catch (NumberFormatException e) {
            answer(response, callback, 400, "?bucket= is not a number: " + bucket);
            return;
        }
        Map<String, StudyDigest> digests = b < 0 ? catalog.digests(storage.id()) : catalog.digests(storage.id(), b);
        StringBuilder sb = new StringBuilder(digests.size() * 90);
        for (StudyDigest d : digests.values()) {
            sb.append(d.studyInstanceUID()).append(' ').append(d.copies()).append(' ').append(d.digest()).append('\n');
        }
        answer(response, callback, 200, sb.toString());
    }

    private void sendCopies(Request request, Response response, Callback callback) throws IOException, SQLException {
        String study = Request.extractQueryParameters(request).getValue("study");
        if (study == null) {
            answer(response, callback, 400, "which study? ?study= is missing");
            return;
        }
        // a re-staged copy (STAGED) is this node's read cache of a grid-only instance: no copy of the cluster's
        List<Announcement> copies = catalog.copies(storage.id(), study).stream()
                .filter(r -> !IndexedInstance.Location.STAGED.equals(r.location().status()))
                .map(Announcement::copy).toList();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            AnnouncementCodec.write(copies, out);
        }
        callback.succeeded();
    }

    static void answer(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (status >= 400 && text != null) {
            response.getHeaders().put(PeerClient.REASON, text.replaceAll("[\\r\\n]", " "));
        }
        Content.Sink.write(response, true, text == null ? "" : text.endsWith("\n") ? text : text + "\n", callback);
    }
}
