package org.gridpacs.archive.store;

import org.gridpacs.archive.index.InstanceHeader;

/**
 * Lets a store hand the object it is writing to other places while it arrives (the cluster streams the replica
 * copy to a peer this way, so that both copies are written at once instead of one after the other). The store
 * calls {@link #open} once it has parsed the instance's header (what the replicas depend on, the Study Instance
 * UID, is known only then); the stream it gets receives every byte of the stored object from its first one (File
 * Meta Information included: the bytes written before the header was parsed are held in a bounded buffer, and an
 * instance whose header part is larger than {@link StoreService#TAP_HEADER_LIMIT} is not streamed at all).
 *
 * <p>Declared here, implemented by the replication module above.
 */
@FunctionalInterface
public interface ReplicaTap {

    /** No streaming: the store writes its own storage only. */
    ReplicaTap NONE = (request, header) -> null;

    /**
     * Called on the storing thread once the header is parsed; returns where the object's bytes go as well, or
     * null for nowhere. Must not block for long (it holds up the local write).
     */
    ReplicaStream open(StoreRequest request, InstanceHeader header);
}
