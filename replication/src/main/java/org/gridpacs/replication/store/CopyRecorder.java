package org.gridpacs.replication.store;

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
public final class CopyRecorder {
    private final IndexDatabase db;
    private final SqlCopyCatalog catalog;
    private final Outbox outbox;

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
}
