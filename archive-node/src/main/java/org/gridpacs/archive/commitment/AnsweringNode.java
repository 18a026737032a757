package org.gridpacs.archive.commitment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;

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
        return liveNodes.stream()
                .max(Comparator.comparingLong((String n) -> weight(n, request.transactionUID()))
                        .thenComparing(Comparator.<String>reverseOrder()))
                .orElse(null);
    }

    /** The first 8 bytes of SHA-256(node NUL transaction UID): the same on every JVM. */
    static long weight(String node, String transactionUID) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((node + '\0' + transactionUID).getBytes(StandardCharsets.UTF_8));
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
