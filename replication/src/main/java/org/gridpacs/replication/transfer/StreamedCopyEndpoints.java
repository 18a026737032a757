package org.gridpacs.replication.transfer;

import java.util.Map;

import java.io.IOException;
import java.sql.SQLException;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
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
    /**
     * Which node streamed each recent copy ("SOP\nkey" to node): only that node may take it back. Kept for the last
     * {@link #REMEMBERED} copies, in memory: an origin takes a copy back within seconds of its answer; one that asks
     * later (or after this node restarted) is refused, and repair deals with the copy.
     */
    private final Map<String, String> streamedFrom = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED;
                }
            });
    private static final int REMEMBERED = 10_000;

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
        StoreResult result;
        try {
            result = ReceivedObject.store(store, request, sourceAET, response, callback);
        } catch (IOException e) {
            LOG.debug("A copy streamed from {} was cut off; nothing kept: {}", origin, e.getMessage());
            callback.failed(e);
            return;
        }
        if (result == null) {
            return;
        }
        if (result.outcome() != StoreResult.Outcome.ALREADY_STORED) {
            streamedFrom.put(result.header().sopInstanceUID() + "\n" + result.object().key(), origin);
            events.copyReceived(result.header().sopInstanceUID(), origin);
        }
        ReceivedObject.created(result.object(), response, callback);
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
        String origin = request.getHeaders().get(PeerClient.ORIGIN);
        String streamer = streamedFrom.get(sop + "\n" + key);
        if (streamer == null || !streamer.equals(origin)) {
            PeerHandler.answer(response, callback, 403, "node " + origin + " did not stream the copy " + key + " of "
                    + sop + " here (or did so too long ago): only its origin takes a streamed copy back");
            return;
        }
        if (!catalog.withdrawCopy(storage.id(), sop, key)) {
            PeerHandler.answer(response, callback, 404, "no copy " + key + " of " + sop + " on " + self);
            return;
        }
        streamedFrom.remove(sop + "\n" + key);
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
