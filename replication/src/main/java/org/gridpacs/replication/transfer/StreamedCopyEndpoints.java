package org.gridpacs.replication.transfer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answering side of streamed replication, under {@link PeerHandler}'s /peer/: copies streamed while their
 * origin stores them ({@code PUT /peer/instances/streamed}), taking such a copy back ({@code DELETE
 * /peer/instances}) and the read barrier's flush of the outbox ({@code POST /peer/flush}).
 */
final class StreamedCopyEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedCopyEndpoints.class);

    private final String self;
    private final Storage storage;
    private final StorageRegistry storages;
    private final StoreService store;
    private final CopyCatalog catalog;
    private final PeerHandler.Events events;

    StreamedCopyEndpoints(String self, Storage storage, StorageRegistry storages, StoreService store, CopyCatalog catalog,
                          PeerHandler.Events events) {
        this.self = self;
        this.storage = storage;
        this.storages = storages;
        this.store = store;
        this.catalog = catalog;
        this.events = events;
    }

    /**
     * A copy streamed while the origin stores it: no origin key or checksum yet (the origin compares the answer
     * with its own object). A body cut off (the origin refused the instance, or its sender went away) makes the
     * store fail before anything is indexed, and nothing is kept.
     */
    void receive(Request request, Response response, Callback callback) throws IOException {
        String origin = request.getHeaders().get(PeerClient.ORIGIN);
        String sourceAET = request.getHeaders().get(PeerClient.SOURCE_AET);
        if (origin == null || !isNode(origin)) {
            PeerHandler.answer(response, callback, 400, "a streamed copy needs the " + PeerClient.ORIGIN
                    + " header naming a node of this cluster");
            return;
        }
        InputStream in = new BufferedInputStream(Content.Source.asInputStream(request), 64 * 1024);
        DataSet meta;
        try {
            meta = FileMetaInformation.read(in);
        } catch (IOException e) {
            PeerHandler.answer(response, callback, 400, "not a DICOM file: " + e.getMessage());
            return;
        }
        StoreRequest req = new StoreRequest(meta.getString(Tag.MediaStorageSOPClassUID),
                meta.getString(Tag.MediaStorageSOPInstanceUID), meta.getString(Tag.TransferSyntaxUID), sourceAET);
        StoreResult result;
        try {
            result = store.store(req, in);
        } catch (StoreException e) {
            int http = e.status() == Status.DUPLICATE_SOP_INSTANCE ? 409
                    : e.status() == Status.OUT_OF_RESOURCES ? 507 : 422;
            PeerHandler.answer(response, callback, http, e.getMessage());
            return;
        } catch (IOException e) {
            LOG.debug("The copy of {} streamed from {} was cut off; nothing kept: {}", req.sopInstanceUID(), origin,
                    e.getMessage());
            callback.failed(e);
            return;
        }
        if (result.outcome() != StoreResult.Outcome.ALREADY_STORED) {
            events.copyReceived(req.sopInstanceUID(), origin);
        }
        response.setStatus(201);
        response.getHeaders().put(PeerClient.KEY, result.object().key());
        response.getHeaders().put(PeerClient.SIZE, result.object().size());
        if (result.object().checksum() != null) {
            response.getHeaders().put(PeerClient.CHECKSUM, result.object().checksum());
        }
        Content.Sink.write(response, true, "stored\n", callback);
    }

    private boolean isNode(String name) {
        try {
            storages.homeOf(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Takes back a streamed copy that its origin refused or found different. */
    void withdraw(Request request, Response response, Callback callback) throws IOException, SQLException {
        Fields query = Request.extractQueryParameters(request);
        String sop = query.getValue("sop");
        String key = query.getValue("key");
        if (sop == null || key == null) {
            PeerHandler.answer(response, callback, 400, "which copy? ?sop= and &key= are needed");
            return;
        }
        if (!catalog.withdrawCopy(storage.id(), sop, key)) {
            PeerHandler.answer(response, callback, 404, "no copy " + key + " of " + sop + " on " + self);
            return;
        }
        storage.remove(key);
        LOG.info("Took back the copy of {} streamed from {}: its origin did not keep the instance", sop,
                request.getHeaders().get(PeerClient.ORIGIN));
        events.copyWithdrawn(sop, key, request.getHeaders().get(PeerClient.ORIGIN));
        PeerHandler.answer(response, callback, 200, "withdrawn");
    }

    /** The read barrier's request: delivers the outbox's entries for the caller now. */
    void flush(Request request, Response response, Callback callback) {
        Fields query = Request.extractQueryParameters(request);
        String node = query.getValue("for");
        if (node == null) {
            PeerHandler.answer(response, callback, 400, "for which node? ?for= is missing");
            return;
        }
        long millis;
        try {
            millis = Math.min(5000, Math.max(0, Long.parseLong(query.getValue("millis") == null ? "2000"
                    : query.getValue("millis"))));
        } catch (NumberFormatException e) {
            PeerHandler.answer(response, callback, 400, "millis must be a number");
            return;
        }
        PeerHandler.answer(response, callback, 200, events.flushFor(node, millis) ? "delivered" : "pending");
    }
}
