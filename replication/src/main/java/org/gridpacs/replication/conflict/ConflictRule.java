package org.gridpacs.replication.conflict;

import java.time.Instant;

import org.gridpacs.archive.store.DuplicatePolicy;

/**
 * Which of two different objects under one SOP Instance UID the cluster keeps. Every node decides from the same
 * facts (each object's checksum and when the cluster first received it), so every node keeps the same one without
 * asking the others. The duplicate policy, applied cluster-wide: REJECT keeps the object received first (a later
 * one would have been refused had the halves been together), REPLACE the one received last. Equal or unknown
 * times: the lower checksum wins; an unknown time never wins on time.
 */
public final class ConflictRule {

    /** One of the two objects. */
    public record Candidate(String checksum, Instant received) {
    }

    private ConflictRule() {
    }

    /** Whether {@code a} wins over {@code b} (different checksums). */
    public static boolean wins(DuplicatePolicy policy, Candidate a, Candidate b) {
        int byTime = compareTimes(a.received(), b.received(), policy);
        if (byTime != 0) {
            return byTime < 0;
        }
        return a.checksum().compareTo(b.checksum()) < 0;
    }

    /** Negative when {@code a}'s time makes it win: earlier under REJECT, later under REPLACE; unknown loses. */
    private static int compareTimes(Instant a, Instant b, DuplicatePolicy policy) {
        if (a == null || b == null) {
            return a == null && b == null ? 0 : a == null ? 1 : -1;
        }
        int c = a.compareTo(b);
        return policy == DuplicatePolicy.REPLACE ? -c : c;
    }
}
