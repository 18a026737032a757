package org.gridpacs.archive.commitment;

import java.util.Collection;
import java.util.List;

import org.gridpacs.archive.placement.Rendezvous;

/**
 * Which node answers a pending request: the node that received it while it is up; else, so that exactly one
 * survivor takes it over without talking to the others, the live node ranked first by rendezvous hashing of the
 * Transaction UID (each node computes the same answer from the same member list).
 */
final class AnsweringNode {
    private AnsweringNode() {
    }

    static String of(CommitmentRequest request, Collection<String> liveNodes) {
        if (liveNodes.contains(request.receivedBy())) {
            return request.receivedBy();
        }
        List<String> ranked = Rendezvous.rank(request.transactionUID(), liveNodes);
        return ranked.isEmpty() ? null : ranked.get(0);
    }
}
