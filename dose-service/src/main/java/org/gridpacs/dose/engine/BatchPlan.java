package org.gridpacs.dose.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a run into rounds of {@link DoseSettings#BATCHES_PER_ROUND} batches: with a fixed number of histories, at least
 * that many batches of equal size (the first ones one history larger where it does not divide); with a target
 * uncertainty, batches of {@link DoseSettings#batchHistories()} until the most histories allowed. The sizes depend
 * only on the settings, so a batch index means the same batch on every executor.
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

    /** The next round's batches; empty when all histories are planned. */
    List<Batch> nextRound() {
        List<Batch> round = new ArrayList<>(DoseSettings.BATCHES_PER_ROUND);
        for (int k = 0; k < DoseSettings.BATCHES_PER_ROUND; k++) {
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
