package org.gridpacs.replication.store;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.replication.outbox.Outbox;

/**
 * Records what a store made beside the local copy in one index transaction: the peers' copies and the outbox news
 * for the peers that must hear of this node's copy (one commit where there were one per copy and one for the news;
 * each commit of the index is written to its file before it returns, so they are what a store pays for).
 */
public final class CopyRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CopyRecorder.class);

    private final IndexDatabase db;
    private final SqlCopyCatalog catalog;
    private final Outbox outbox;
    /** Records no store waits for, one at a time in the order given. */
    private final ExecutorService later = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "copy-recorder");
        t.setDaemon(true);
        return t;
    });

    public CopyRecorder(IndexDatabase db, SqlCopyCatalog catalog, Outbox outbox) {
        this.db = db;
        this.catalog = catalog;
        this.outbox = outbox;
    }

    /** Records {@code peerCopies} and queues COPY news of this node's copy for {@code tell}; returns the entries. */
    public Map<String, Long> record(InstanceHeader header, String sourceAETitle, List<IndexedInstance.Location> peerCopies,
                                    Collection<String> tell) throws SQLException {
        if (peerCopies.isEmpty() && tell.isEmpty()) {
            return Map.of();
        }
        return db.inTransaction(c -> {
            for (IndexedInstance.Location copy : peerCopies) {
                catalog.addCopy(c, header, sourceAETitle, copy);
            }
            return outbox.add(c, tell, Outbox.Kind.COPY, header.sopInstanceUID(), null);
        }, true);
    }

    /**
     * {@link #record} after the store has answered, for what no read depends on: copies that the nodes holding them
     * have indexed themselves, and news for those nodes. Lost only if this node dies first, and then restored by
     * repair (the nodes compare digests of what they hold). {@code recorded} runs with the outbox entries queued.
     */
    public void recordLater(InstanceHeader header, String sourceAETitle, List<IndexedInstance.Location> peerCopies,
                            Collection<String> tell, Runnable recorded) {
        later.execute(() -> {
            try {
                if (!record(header, sourceAETitle, peerCopies, tell).isEmpty()) {
                    recorded.run();
                }
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not record the copies of {} on other nodes nor queue news for {}: {}; repair will",
                        header.sopInstanceUID(), tell, e.getMessage());
            }
        });
    }

    /** Records what is still waiting (at most a few seconds), then stops. */
    @Override
    public void close() {
        later.shutdown();
        try {
            if (!later.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Copies of recent instances on other nodes were not all recorded before stopping; repair"
                        + " will record them");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
