package org.gridpacs.grid.tier;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What tiering needs of the cluster: news of this node's copies made and removed, queued in the transaction that
 * records the change and delivered after the commit (the outbox), and the other nodes asked to drop their own
 * copies of a tiered study (each node speaks only for its own copies). A node alone: {@link #ALONE}.
 */
public interface TierCluster {
    /** Every method's default: what a node alone does (no peers, no news to send). */
    TierCluster ALONE = new TierCluster() { };

    /** The other members of the cluster. */
    default List<String> peers() {
        return List.of();
    }

    default void gridCopyMade(Connection c, String sopInstanceUID) throws SQLException {
    }

    default void homeCopyMade(Connection c, String sopInstanceUID) throws SQLException {
    }

    default void homeCopyDropped(Connection c, String sopInstanceUID, String storageKey) throws SQLException {
    }

    /** News was queued and committed: deliver it. */
    default void committed() {
    }

    /**
     * Asks {@code peer} to remove its copies of the study, whose grid copies this node verified; returns once it
     * has, else throws (unreachable, or it does not know every grid copy yet: asked again later).
     */
    default void release(String peer, String studyInstanceUID) throws IOException {
    }

    /** Tells {@code peer} the study was restored here: it forgets that the study is tiered. */
    default void restored(String peer, String studyInstanceUID) throws IOException {
    }
}
