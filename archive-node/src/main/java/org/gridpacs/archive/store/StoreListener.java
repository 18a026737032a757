package org.gridpacs.archive.store;

/**
 * Hears of each instance stored, after its index entry is committed and (in a cluster) the copies it could make at
 * once are made, once per instance on the node that received it from its sender; not again for the copies peers
 * hold, which reach them through replication or repair, not through a protocol adapter. An instance stored on this
 * node is heard of even when the cluster's write quorum failed and the sender got a failure status: it is in the
 * archive, and the sender's resend will be a duplicate. Subscribed in the composition root
 * ({@link StoreListeners#add}).
 *
 * <p>Called on the listeners' own thread, never on the sender's: a listener that throws or takes long cannot
 * change or delay the status the sender gets. It should still be quick (hand long work, such as a dose
 * calculation, to its own executor): the listeners share one thread, and events that find its queue full are
 * dropped (and logged). Events are hints, not a log: a listener that must not miss an instance also reconciles
 * with the index (after a restart, say).
 */
@FunctionalInterface
public interface StoreListener {

    void instanceStored(InstanceStored event);
}
