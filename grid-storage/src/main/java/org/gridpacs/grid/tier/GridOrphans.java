package org.gridpacs.grid.tier;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.StorageFailures;
import org.gridpacs.grid.s3.S3Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, and on request removes, the grid's orphans: objects under the grid's prefix that no location row of this
 * node's index names and that are older than the grace ({@link TierPolicy#orphanGrace()}). A node killed between
 * an upload and the row naming it (a migration, the off-site copy) leaves them. The index is the cluster's: a grid
 * copy made by any node is named here once its news arrived; the grace covers the uploads still in flight on any
 * node and the news still on its way. The bucket is read one listing page at a time, each page's keys looked up
 * in one query, so memory does not grow with the bucket.
 */
public final class GridOrphans {
    private static final Logger LOG = LoggerFactory.getLogger(GridOrphans.class);

    /** What a pass found: objects listed, orphans among them, orphans removed (0 when only counting). */
    public record Result(long listed, long orphans, long removed) {
    }

    private final SqlInstanceIndex index;
    private final S3Storage grid;
    private final Duration grace;

    public GridOrphans(IndexDatabase db, S3Storage grid, Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException(TierPolicy.ORPHAN_GRACE + " must be 0 or more minutes");
        }
        this.index = new SqlInstanceIndex(db);
        this.grid = grid;
        this.grace = grace;
    }

    public Duration grace() {
        return grace;
    }

    /**
     * Lists the grid and counts its orphans, removing them when {@code remove}; progress counts the objects
     * listed. A named object is never removed.
     */
    public Result sweep(boolean remove, TierProgress progress) throws IOException, SQLException {
        Instant before = Instant.now().minus(grace);
        AtomicInteger listed = new AtomicInteger();
        AtomicInteger orphans = new AtomicInteger();
        AtomicInteger removed = new AtomicInteger();
        grid.<SQLException>listPages(page -> {
            progress.total(page.size());
            List<String> old = page.stream().filter(o -> o.lastModified().isBefore(before))
                    .map(S3Storage.Listed::key).toList();
            Set<String> named = index.namedKeys(grid.id(), old);
            for (String key : old) {
                if (named.contains(key)) {
                    continue;
                }
                orphans.incrementAndGet();
                if (remove) {
                    try {
                        grid.remove(key);
                        removed.incrementAndGet();
                    } catch (IOException e) {
                        if (StorageFailures.unreachable(e)) {
                            throw e;
                        }
                        progress.error("orphan " + key + " not removed: " + e.getMessage());
                    }
                }
            }
            listed.addAndGet(page.size());
            progress.done(page.size());
        });
        Result r = new Result(listed.get(), orphans.get(), removed.get());
        if (remove) {
            LOG.info("Grid orphan sweep: {} of {} objects were orphans (no index row names them, older than {} min),"
                    + " {} removed", r.orphans(), r.listed(), grace.toMinutes(), r.removed());
        } else if (r.orphans() > 0) {
            LOG.info("Grid: {} of {} objects are orphans (no index row names them, older than {} min); not removed",
                    r.orphans(), r.listed(), grace.toMinutes());
        }
        return r;
    }
}
