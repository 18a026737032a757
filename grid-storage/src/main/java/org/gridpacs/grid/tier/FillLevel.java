package org.gridpacs.grid.tier;

import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The fill-level half of the tiering policy ({@link TierPolicy#fillPercent()}): when the file system holding this
 * node's storage is fuller than the threshold, the least recently read studies this node leads are chosen until the
 * projected fill (what the disk holds, less this node's copies of the studies chosen and of those queued already) is
 * below the threshold minus {@value #HYSTERESIS_POINTS} points. The margin keeps a disk hovering at the threshold
 * from migrating one study per pass as each new study arrives: on a 10 TB disk it frees some 200 GB at once.
 */
final class FillLevel {
    static final int HYSTERESIS_POINTS = 2;

    /** The bytes of this node's own copies of a study (from the index). */
    interface LocalBytes {
        long of(String study) throws SQLException;
    }

    /**
     * What one pass found: the disk's {@code usage}, the bytes the migrations queued before will free
     * ({@code queuedBytes}), the studies chosen now with the bytes each frees, in order.
     */
    record Plan(DiskSpace.Usage usage, long queuedBytes, Map<String, Long> chosen) {
        long chosenBytes() {
            return chosen.values().stream().mapToLong(Long::longValue).sum();
        }

        double projectedPercent() {
            return 100.0 * (usage.used() - queuedBytes - chosenBytes()) / usage.size();
        }
    }

    private final DiskSpace disk;
    private final int percent;

    FillLevel(DiskSpace disk, int percent) {
        this.disk = disk;
        this.percent = percent;
    }

    int percent() {
        return percent;
    }

    /**
     * Empty when the disk is not fuller than the threshold; else the plan (its {@code chosen} empty when what is queued
     * already suffices, or when no other study this node leads has a copy here).
     */
    Optional<Plan> plan(List<String> leastRecentlyRead, Set<String> queued, Predicate<String> leads,
                        LocalBytes local) throws IOException, SQLException {
        DiskSpace.Usage usage = disk.usage();
        if (usage.percent() <= percent) {
            return Optional.empty();
        }
        long target = (long) (usage.size() * Math.max(0, percent - HYSTERESIS_POINTS) / 100.0);
        long queuedBytes = 0;
        for (String study : queued) {
            queuedBytes += local.of(study); // 0 once its copies are gone: the disk shows it then
        }
        long projected = usage.used() - queuedBytes;
        Map<String, Long> chosen = new LinkedHashMap<>();
        for (String study : leastRecentlyRead) {
            if (projected < target) {
                break;
            }
            if (queued.contains(study) || !leads.test(study)) {
                continue;
            }
            long bytes = local.of(study);
            if (bytes > 0) {
                chosen.put(study, bytes);
                projected -= bytes;
            }
        }
        return Optional.of(new Plan(usage, queuedBytes, chosen));
    }
}
