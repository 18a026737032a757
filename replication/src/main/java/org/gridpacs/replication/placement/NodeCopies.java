package org.gridpacs.replication.placement;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;

/**
 * Reads location rows as nodes' copies, through the {@link StorageRegistry}: placement, the write quorum and
 * repair count nodes, and a location row names a storage. A copy on a shared storage (an object store every node
 * reads) or on a storage no one registered is no node's copy, so it never stands in for a replica; two copies
 * on two storages of one node are that node's one copy.
 */
public final class NodeCopies {
    private final StorageRegistry storages;

    public NodeCopies(StorageRegistry storages) {
        this.storages = storages;
    }

    public StorageRegistry storages() {
        return storages;
    }

    /** The node whose copy a location on {@code storageId} is; null for a shared or unknown storage. */
    public String nodeOf(String storageId) {
        return storages.nodeOf(storageId).orElse(null);
    }

    /**
     * The usable copy {@code node} holds of an instance, on its home storage if there is one there, else on another
     * storage of the node; null when the node holds none.
     */
    public IndexedInstance.Location copyOf(IndexedInstance instance, String node) {
        IndexedInstance.Location other = null;
        for (IndexedInstance.Location l : instance.locations()) {
            if ("OK".equals(l.status()) && node.equals(nodeOf(l.storageId()))) {
                if (storages.isHome(l.storageId())) {
                    return l;
                }
                if (other == null) {
                    other = l;
                }
            }
        }
        return other;
    }

    /** The nodes that hold, among {@code copies}, the object with {@code checksum} (none when it is null). */
    public Set<String> nodesHolding(Collection<StoredObject> copies, String checksum) {
        Set<String> nodes = new LinkedHashSet<>();
        for (StoredObject copy : copies) {
            String node = nodeOf(copy.storageId());
            if (node != null && checksum != null && checksum.equals(copy.checksum())) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /**
     * Whether a copy on {@code storageId} can be read from its node over the peer transport: only its home
     * storage is served there ({@code GET /peer/objects} reads the storage the node writes into).
     */
    public boolean servedByItsNode(String storageId) {
        return storages.isHome(storageId);
    }

    /**
     * The other node a copy on {@code storageId} is read from over the peer transport: the node whose home storage
     * it is, unless that is {@code self}; null for this node's storages, shared ones and those no node serves.
     */
    public String servingPeer(String storageId, String self) {
        String node = nodeOf(storageId);
        return node != null && !node.equals(self) && servedByItsNode(storageId) ? node : null;
    }
}
