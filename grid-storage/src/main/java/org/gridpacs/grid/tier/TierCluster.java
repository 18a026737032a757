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
    TierCluster ALONE = new TierCluster() {
        @Override
        public List<String> peers() {
            return List.of();
        }

        @Override
        public void gridCopyMade(Connection c, String sopInstanceUID) {
        }

        @Override
        public void homeCopyMade(Connection c, String sopInstanceUID) {
        }

        @Override
        public void homeCopyDropped(Connection c, String sopInstanceUID, String storageKey) {
        }

        @Override
        public void committed() {
        }

        @Override
        public void release(String peer, String studyInstanceUID) {
        }

        @Override
        public void restored(String peer, String studyInstanceUID) {
        }
    };

    /** The other members of the cluster. */
    List<String> peers();

    void gridCopyMade(Connection c, String sopInstanceUID) throws SQLException;

    void homeCopyMade(Connection c, String sopInstanceUID) throws SQLException;

    void homeCopyDropped(Connection c, String sopInstanceUID, String storageKey) throws SQLException;

    /** News was queued and committed: deliver it. */
    void committed();

    /**
     * Asks {@code peer} to remove its copies of the study, whose grid copies this node verified; returns once it
     * has, else throws (unreachable, or it does not know every grid copy yet: asked again later).
     */
    void release(String peer, String studyInstanceUID) throws IOException;

    /** Tells {@code peer} the study was restored here: it forgets that the study is tiered. */
    void restored(String peer, String studyInstanceUID) throws IOException;
}
