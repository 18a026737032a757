package org.gridpacs.replication.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;

/**
 * What this node still owes each peer, kept in the index database so that it survives a crash or a restart: news
 * of a copy it made (COPY) or removed (DROP). Delivered in the order written, per peer; a peer that is down gets
 * its backlog when it returns.
 */
public final class Outbox {
    /**
     * One entry: news for {@code peer} about a copy of an instance on {@code storageId}: null for this node's home
     * storage (every entry but those of a shared storage's copy this node made).
     */
    public record Task(long pk, String peer, Kind kind, String sopInstanceUID, String storageKey, String storageId) {
        public Task(long pk, String peer, Kind kind, String sopInstanceUID, String storageKey) {
            this(pk, peer, kind, sopInstanceUID, storageKey, null);
        }
    }

    public enum Kind {
        COPY, DROP
    }

    private final IndexDatabase db;

    /**
     * @param db the index, opened with {@code Replication.SCHEMA} among its migrations (its V1 creates the table
     *           {@code replication_outbox})
     */
    public Outbox(IndexDatabase db) {
        this.db = db;
    }

    /** Owes each of {@code peers} the news, in one transaction; returns each peer's entry number. */
    public java.util.Map<String, Long> add(Collection<String> peers, Kind kind, String sopInstanceUID, String storageKey)
            throws SQLException {
        if (peers.isEmpty()) {
            return java.util.Map.of();
        }
        return db.inTransaction(c -> add(c, peers, kind, sopInstanceUID, storageKey));
    }

    /**
     * {@link #add(Collection, Kind, String, String)} inside the caller's transaction {@code c}, so that the news
     * commits together with the change it tells of.
     */
    public java.util.Map<String, Long> add(java.sql.Connection c, Collection<String> peers, Kind kind,
                                           String sopInstanceUID, String storageKey) throws SQLException {
        return add(c, peers, kind, sopInstanceUID, storageKey, null);
    }

    /**
     * News of a copy on {@code storageId} (null: the home storage), in the caller's transaction: a shared storage's
     * copy (the grid) is announced by the node that made it, as its home copies are.
     */
    public java.util.Map<String, Long> add(java.sql.Connection c, Collection<String> peers, Kind kind,
                                           String sopInstanceUID, String storageKey, String storageId)
            throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();
        java.util.Map<String, Long> pks = new java.util.LinkedHashMap<>();
        if (peers.isEmpty()) {
            return pks;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO replication_outbox (peer, kind, sop_uid,"
                + " storage_key, created, storage_id) VALUES (?, ?, ?, ?, ?, ?)", new String[] {"PK"})) {
            for (String peer : peers) {
                Jdbc.bind(ps, peer, kind.name(), sopInstanceUID, storageKey, now, storageId);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    pks.put(peer, keys.getLong(1));
                }
            }
        }
        return pks;
    }

    /** The newest entry owed to {@code peer}, or null when nothing is. */
    public Long lastQueued(String peer) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c,
                "SELECT pk FROM replication_outbox WHERE peer = ? ORDER BY pk DESC FETCH FIRST 1 ROWS ONLY", peer));
    }

    /** The oldest entry owed to {@code peer}, or null when nothing is. */
    public Long firstQueued(String peer) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c,
                "SELECT pk FROM replication_outbox WHERE peer = ? ORDER BY pk FETCH FIRST 1 ROWS ONLY", peer));
    }

    /** Whether the entry {@code pk} is still owed. */
    public boolean isQueued(long pk) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, "SELECT pk FROM replication_outbox WHERE pk = ?", pk) != null);
    }

    /** The oldest {@code max} entries owed to {@code peer}, oldest first. */
    public List<Task> next(String peer, int max) throws SQLException {
        return db.read(c -> {
            List<Task> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pk, kind, sop_uid, storage_key, storage_id FROM replication_outbox"
                    + " WHERE peer = ? ORDER BY pk FETCH FIRST " + max + " ROWS ONLY")) {
                Jdbc.bind(ps, peer);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Task(rs.getLong(1), peer, Kind.valueOf(rs.getString(2)), rs.getString(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    /** Entries delivered. */
    public void done(List<Task> tasks) throws SQLException {
        if (tasks.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM replication_outbox WHERE pk = ?")) {
                for (Task t : tasks) {
                    ps.setLong(1, t.pk());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** How many entries are owed to {@code peer} (for status and tests). */
    public long backlog(String peer) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM replication_outbox WHERE peer = ?", peer));
    }
}
