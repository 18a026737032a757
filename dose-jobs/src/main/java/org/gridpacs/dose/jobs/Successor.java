package org.gridpacs.dose.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Which node adopts the open jobs of a node that left the cluster: the first live node, in the cluster's
 * configured order, other than the one that left. Every node computes it from the same membership view, so exactly
 * one of them takes each job.
 */
public final class Successor {
    private Successor() {
    }

    /** @param liveNodes the live members in configuration order; empty when none is left */
    public static Optional<String> of(List<String> liveNodes, String left) {
        return liveNodes.stream().filter(n -> !n.equals(left)).findFirst();
    }
}
