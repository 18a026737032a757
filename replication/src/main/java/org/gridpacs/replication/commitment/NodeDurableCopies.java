package org.gridpacs.replication.commitment;

import java.util.HashSet;
import java.util.Set;

import org.gridpacs.archive.commitment.DurableCopies;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.replication.placement.NodeCopies;

/**
 * Commitment counts nodes as the write quorum and repair do: the distinct nodes with a usable ("OK") location row
 * of the instance in this node's index, read through {@link NodeCopies} (a copy on a shared storage is no node's,
 * two copies on one node are one). Committed at {@code replicationFactor} of them, or at as many nodes as the
 * cluster has when it has fewer members.
 */
public final class NodeDurableCopies implements DurableCopies {
    private final NodeCopies nodeCopies;
    private final int required;

    public NodeDurableCopies(NodeCopies nodeCopies, int replicationFactor, int members) {
        this.nodeCopies = nodeCopies;
        this.required = Math.max(1, Math.min(replicationFactor, members));
    }

    @Override
    public int required() {
        return required;
    }

    @Override
    public int count(IndexedInstance instance) {
        Set<String> nodes = new HashSet<>();
        for (IndexedInstance.Location l : instance.locations()) {
            String node = nodeCopies.nodeOf(l.storageId());
            if ("OK".equals(l.status()) && node != null) {
                nodes.add(node);
            }
        }
        return nodes.size();
    }
}
