package org.gridpacs.archive.placement;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: every node ranks the same nodes for the same key the same way, from
 * the same member list, without talking to the others; when a node joins or leaves, only the keys for which it
 * ranks high move. Replication places studies with it, storage commitment picks the node that takes a request over.
 */
public final class Rendezvous {
    private Rendezvous() {
    }

    /** {@code nodes} ranked for {@code key}, best first (equal weights: by name). */
    public static List<String> rank(String key, Collection<String> nodes) {
        List<String> ranked = new ArrayList<>(nodes);
        ranked.sort(Comparator.comparingLong((String node) -> weight(node, key)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return ranked;
    }

    /** The first 8 bytes of SHA-256(node NUL key): stable across JVMs and releases, unlike String.hashCode. */
    private static long weight(String node, String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((node + '\0' + key).getBytes(StandardCharsets.UTF_8));
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
