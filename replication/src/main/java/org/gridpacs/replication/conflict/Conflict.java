package org.gridpacs.replication.conflict;

import java.time.Instant;
import java.util.Set;

/**
 * One duplicate SOP Instance UID conflict as this node recorded it: the object kept (winner) and the one kept
 * aside (loser), when the cluster first received each, which nodes were seen holding each, and this node's own
 * losing copy ({@code loserKey} in its home storage, null when it held none).
 */
public record Conflict(long pk, String sopInstanceUID, String studyInstanceUID, String policy,
                       String winnerChecksum, Instant winnerReceived, Set<String> winnerNodes,
                       String loserChecksum, Instant loserReceived, Set<String> loserNodes,
                       String loserKey, Long loserSize, Instant detected, String state) {

    public boolean open() {
        return "OPEN".equals(state);
    }
}
