package org.gridpacs.archive.store;

import java.io.IOException;
import java.io.InputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store the protocol adapters and the dose service use, telling the {@link StoreListeners} of each instance
 * it stored: around this node's {@link StoreService} or the cluster's replicating store, so that an event follows
 * the commit and the copies the cluster made at once, and copies a node receives from its peers (which do not
 * come this way) raise none. An instance stored here whose write quorum failed ({@link UnconfirmedStoreException})
 * is heard of too: it is in the archive, and the sender's resend will be a duplicate.
 */
public final class NotifyingStore implements InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(NotifyingStore.class);
    private final InstanceStore store;
    private final StoreListeners listeners;
    private final String node;

    /** {@code node}: this node's name, for the events. */
    public NotifyingStore(InstanceStore store, StoreListeners listeners, String node) {
        this.store = store;
        this.listeners = listeners;
        this.node = node;
    }

    @Override
    public StoreResult store(StoreRequest request, InputStream data) throws StoreException, IOException {
        try {
            return published(request, store.store(request, data));
        } catch (UnconfirmedStoreException e) {
            published(request, e.result());
            throw e;
        }
    }

    private StoreResult published(StoreRequest request, StoreResult result) {
        try {
            listeners.publish(InstanceStored.of(result, node, request.callingAETitle()));
        } catch (RuntimeException e) {
            // the instance is stored and the sender must hear so, whatever went wrong in telling the listeners
            LOG.warn("Could not tell the store listeners of {}: {}", request.sopInstanceUID(), e.toString());
        }
        return result;
    }
}
