package org.gridpacs.dose.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a run into rounds of batches: with a fixed number of histories, at least {@link DoseSettings#BATCHES_PER_ROUND}
 * batches of equal size (the first ones one history larger where it does not divide), a round at a time; with a
 * target uncertainty, batches of {@link DoseSettings#batchHistories()} until the most histories allowed, in rounds as
 * large as the caller asks ({@link #nextRound(long)}). The sizes depend only on the settings, and the caller's
 * requests only on exact tallies, so a batch index means the same batch on every executor.
 */
final class BatchPlan {
    private final boolean fixed;
    private final long total;
    private final long batchHistories;
    private final int fixedBatches;
    private int next;
    private long planned;

    BatchPlan(DoseSettings s) {
        fixed = s.targetUncertainty() == 0;
        total = s.histories();
        batchHistories = s.batchHistories();
        fixedBatches = (int) Math.max(DoseSettings.BATCHES_PER_ROUND, (total + batchHistories - 1) / batchHistories);
    }

    /** Whether the run has a fixed number of histories (no stopping rule). */
    boolean fixed() {
        return fixed;
    }

    /** The next round's batches ({@link DoseSettings#BATCHES_PER_ROUND}); empty when all histories are planned. */
    List<Batch> nextRound() {
        return nextRound(0);
    }

    /**
     * The next round: at least {@link DoseSettings#BATCHES_PER_ROUND} batches, and with a target uncertainty enough
     * batches for {@code histories} histories (within the most allowed); empty when all histories are planned.
     */
    List<Batch> nextRound(long histories) {
        long wanted = fixed ? 0 : (histories + batchHistories - 1) / batchHistories;
        int count = (int) Math.min(Integer.MAX_VALUE / 2, Math.max(DoseSettings.BATCHES_PER_ROUND, wanted));
        List<Batch> round = new ArrayList<>(Math.min(count, 1 << 16));
        for (int k = 0; k < count; k++) {
            long size;
            if (fixed) {
                if (next >= fixedBatches) {
                    break;
                }
                size = total / fixedBatches + (next < total % fixedBatches ? 1 : 0);
            } else {
                if (planned >= total) {
                    break;
                }
                size = Math.min(batchHistories, total - planned);
            }
            round.add(new Batch(next++, size));
            planned += size;
        }
        return round;
    }
}
