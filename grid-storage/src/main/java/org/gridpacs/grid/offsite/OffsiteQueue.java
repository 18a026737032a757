package org.gridpacs.grid.offsite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;

/**
 * The durable queue of copies this node owes a shared storage (table {@code offsite_queue}, archive migration V6),
 * one entry per instance and target storage. An entry leaves the queue in the transaction that records the copy's
 * location row, so a crash at any point leaves either the entry or the copy, never neither.
 */
public final class OffsiteQueue {
    /** One owed copy: when it was queued, how often it failed, and the object a previous attempt created. */
    public record Entry(String sopInstanceUID, String target, Instant queued, int attempts, String objectKey) {
    }

    /** The backlog of one target: how many entries, the oldest one's time (null when empty), the last error. */
    public record Backlog(long entries, Instant oldest, String lastError) {
    }

    private final IndexDatabase db;

    public OffsiteQueue(IndexDatabase db) {
        this.db = db;
    }

    /** Owes {@code target} a copy of the instance; already owed, no change. True when added. */
    public boolean add(String sopInstanceUID, String target) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return db.inTransaction(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM offsite_queue WHERE sop_uid = ? AND"
                + " target = ?", sopInstanceUID, target) == 0
                && Jdbc.update(c, "INSERT INTO offsite_queue (sop_uid, target, queued, next_try) VALUES (?, ?, ?, ?)",
                sopInstanceUID, target, now, now) == 1, true);
    }

    /**
     * The start-up pass: queues every instance with a usable copy on {@code homeStorage} and none on {@code target}
     * that is not queued yet and that {@code mine} accepts (in a cluster, one node per instance); returns how many.
     */
    public int addMissing(String homeStorage, String target, java.util.function.BiPredicate<String, List<String>> mine)
            throws SQLException {
        List<String> owed = db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT i.sop_uid, st.study_uid,"
                    + " (SELECT LISTAGG(l2.storage_id, ',') FROM location l2 WHERE l2.instance_fk = i.pk"
                    + "  AND l2.status = 'OK')"
                    + " FROM instance i JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk"
                    + " WHERE EXISTS (SELECT 1 FROM location l WHERE l.instance_fk = i.pk AND l.storage_id = ?"
                    + "  AND l.status = 'OK')"
                    + " AND NOT EXISTS (SELECT 1 FROM location l WHERE l.instance_fk = i.pk AND l.storage_id = ?)"
                    + " AND NOT EXISTS (SELECT 1 FROM offsite_queue q WHERE q.sop_uid = i.sop_uid AND q.target = ?)")) {
                Jdbc.bind(ps, homeStorage, target, target);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String holders = rs.getString(3);
                        if (mine.test(rs.getString(2), holders == null ? List.of() : List.of(holders.split(",")))) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
            return out;
        });
        int added = 0;
        for (String sop : owed) {
            added += add(sop, target) ? 1 : 0;
        }
        return added;
    }

    /** At most {@code max} entries of {@code target} due now, the longest-waiting first. */
    public List<Entry> due(String target, int max) throws SQLException {
        return db.read(c -> {
            List<Entry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sop_uid, queued, attempts, object_key FROM"
                    + " offsite_queue WHERE target = ? AND next_try <= ? ORDER BY next_try, queued FETCH FIRST "
                    + max + " ROWS ONLY")) {
                Jdbc.bind(ps, target, OffsetDateTime.now(ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Entry(rs.getString(1), target, rs.getObject(2, OffsetDateTime.class).toInstant(),
                                rs.getInt(3), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    /** When the next entry of {@code target} is due; null when the queue is empty. */
    public Instant nextDue(String target) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(next_try) FROM offsite_queue WHERE target = ?")) {
                Jdbc.bind(ps, target);
                try (ResultSet rs = ps.executeQuery()) {
                    OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                    return t == null ? null : t.toInstant();
                }
            }
        });
    }

    /** The object an attempt created on the target, before it is verified: a crash after this reuses or removes it. */
    public void objectCreated(Entry e, String objectKey) throws SQLException {
        db.inTransaction(c -> Jdbc.update(c, "UPDATE offsite_queue SET object_key = ? WHERE sop_uid = ? AND target = ?",
                objectKey, e.sopInstanceUID(), e.target()));
    }

    /** An attempt failed: tried again at {@code nextTry}, the error kept for status (never a secret: an exception's text). */
    public void failed(Entry e, String error, Instant nextTry, boolean keepObject) throws SQLException {
        String text = error == null ? "" : error.length() > 500 ? error.substring(0, 500) : error;
        db.inTransaction(c -> Jdbc.update(c, "UPDATE offsite_queue SET attempts = attempts + 1, last_error = ?,"
                + " next_try = ?" + (keepObject ? "" : ", object_key = NULL") + " WHERE sop_uid = ? AND target = ?",
                text, OffsetDateTime.ofInstant(nextTry, ZoneOffset.UTC), e.sopInstanceUID(), e.target()));
    }

    /** Removes the entry in the caller's transaction (the one that records the copy). */
    public void remove(Connection c, Entry e) throws SQLException {
        Jdbc.update(c, "DELETE FROM offsite_queue WHERE sop_uid = ? AND target = ?", e.sopInstanceUID(), e.target());
    }

    /** Removes the entry (nothing to copy: the instance is gone, or its copy is there already). */
    public void remove(Entry e) throws SQLException {
        db.inTransaction(c -> {
            remove(c, e);
            return null;
        });
    }

    public Backlog backlog(String target) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), MIN(queued), (SELECT last_error FROM"
                    + " offsite_queue WHERE target = ? AND last_error IS NOT NULL ORDER BY next_try DESC FETCH FIRST 1"
                    + " ROWS ONLY) FROM offsite_queue WHERE target = ?")) {
                Jdbc.bind(ps, target, target);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    OffsetDateTime oldest = rs.getObject(2, OffsetDateTime.class);
                    return new Backlog(rs.getLong(1), oldest == null ? null : oldest.toInstant(), rs.getString(3));
                }
            }
        });
    }
}
