package org.gridpacs.grid.offsite;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Tells the other nodes of a copy made on a shared storage, as their own copies are told: in a cluster, news queued
 * in replication's outbox in the transaction that records the copy ({@link #queue}), delivered after the commit
 * ({@link #committed}). A node alone has no one to tell: {@link #NONE}.
 */
public interface CopyNews {
    CopyNews NONE = new CopyNews() {
        @Override
        public void queue(Connection c, String sopInstanceUID, String storageId) {
        }

        @Override
        public void committed() {
        }
    };

    void queue(Connection c, String sopInstanceUID, String storageId) throws SQLException;

    void committed();
}
