package org.gridpacs.replication.placement;

import java.util.Collection;
import java.util.List;

import org.gridpacs.archive.placement.Rendezvous;

/**
 * Which nodes hold a study: the first {@code replicationFactor} nodes that are up, ranked by {@link Rendezvous}
 * hashing of the Study Instance UID. Every node computes the same answer from the same member list, with no
 * coordination; when a node joins or leaves, only the studies for which it ranks among the first move.
 */
public final class Placement {
    private final int replicationFactor;

    public Placement(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor " + replicationFactor);
        }
        this.replicationFactor = replicationFactor;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** The nodes that should hold {@code studyInstanceUID}, best first: min(replicationFactor, nodes) of them. */
    public List<String> replicaSet(String studyInstanceUID, Collection<String> nodes) {
        List<String> ranked = Rendezvous.rank(studyInstanceUID, nodes);
        return List.copyOf(ranked.subList(0, Math.min(replicationFactor, ranked.size())));
    }
}
