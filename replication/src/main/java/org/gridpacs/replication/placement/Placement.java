package org.gridpacs.replication.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Which nodes hold a study: rendezvous (highest random weight) hashing of the Study Instance UID over the nodes
 * that are up. Every node computes the same answer from the same member list, with no coordination; when a node
 * joins or leaves, only the studies for which it ranks among the first {@code replicationFactor} move.
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
        List<String> ranked = new ArrayList<>(nodes);
        ranked.sort(Comparator.comparingLong((String node) -> weight(node, studyInstanceUID)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(ranked.subList(0, Math.min(replicationFactor, ranked.size())));
    }

    /** The first 8 bytes of SHA-256(node NUL study): stable across JVMs and releases, unlike String.hashCode. */
    static long weight(String node, String studyInstanceUID) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((node + '\0' + studyInstanceUID).getBytes(StandardCharsets.US_ASCII));
            long w = 0;
            for (int i = 0; i < 8; i++) {
                w = (w << 8) | (h[i] & 0xff);
            }
            return w;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
