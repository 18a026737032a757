package org.gridpacs.federation.export;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.SchemaMigrations;

/**
 * The durable queue of exports (tables {@code export_queue}, {@code export_sent}, {@code forward_pending} in the
 * node's index, the federation module's own migrations {@link #SCHEMA}). One row per study, destination and
 * profile; the instances the destination acknowledged are recorded one by one, each in its own transaction, so a
 * resumed export sends only what was not acknowledged (at most those in flight go twice, under the same SOP
 * Instance UIDs).
 */
public final class ExportQueue {
    /** The federation's tables in the index: pass to {@link IndexDatabase#open} beside the archive's. */
    public static final SchemaMigrations SCHEMA =
            SchemaMigrations.of("federation", ExportQueue.class, "org/gridpacs/federation/export/db");
    private static final String COLUMNS = "id, study_uid, destination, profile, origin, state, queued, updated,"
            + " attempts, next_try, last_error, total, sent, sent_study_uid";

    private final IndexDatabase db;

    public ExportQueue(IndexDatabase db) {
        this.db = db;
    }

    /**
     * Queues the study for {@code destination} under {@code profile}. When that export exists already: returned
     * as it is, unless {@code again} and it is DONE or FAILED, then queued afresh (every instance sent again).
     */
    public Export add(String studyUid, String destination, String profile, String origin, boolean again)
            throws SQLException {
        long id = db.inTransaction(c -> {
            Long existing = Jdbc.queryLong(c, "SELECT id FROM export_queue WHERE study_uid = ? AND destination = ?"
                    + " AND profile = ?", studyUid, destination, profile);
            OffsetDateTime now = now();
            if (existing == null) {
                return Jdbc.insert(c, "INSERT INTO export_queue (study_uid, destination, profile, origin, state, queued,"
                        + " updated, next_try) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", studyUid, destination, profile, origin,
                        ExportState.QUEUED.name(), now, now, now);
            }
            if (again) {
                int n = Jdbc.update(c, "UPDATE export_queue SET state = ?, origin = ?, queued = ?, updated = ?,"
                        + " next_try = ?, attempts = 0, last_error = NULL, sent = 0, total = 0 WHERE id = ? AND"
                        + " state IN ('DONE', 'FAILED')", ExportState.QUEUED.name(), origin, now, now, now, existing);
                if (n == 1) {
                    Jdbc.update(c, "DELETE FROM export_sent WHERE export_id = ?", existing);
                }
            }
            return existing;
        }, true);
        return get(id).orElseThrow();
    }

    public Optional<Export> get(long id) throws SQLException {
        List<Export> l = select("WHERE id = ?", id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The latest {@code max} exports, newest first. */
    public List<Export> list(int max) throws SQLException {
        return select("ORDER BY id DESC FETCH FIRST " + Math.max(1, max) + " ROWS ONLY");
    }

    /** The export to work on now: QUEUED and due, or SENDING (left so by a crash), the longest-waiting first. */
    public Optional<Export> nextDue() throws SQLException {
        List<Export> l = select("WHERE state IN ('QUEUED', 'SENDING') AND next_try <= ? ORDER BY next_try, id"
                + " FETCH FIRST 1 ROWS ONLY", now());
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** When the next QUEUED export is due; null when none waits. */
    public Instant nextTry() throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT MIN(next_try) FROM export_queue WHERE state IN"
                    + " ('QUEUED', 'SENDING')"); ResultSet rs = ps.executeQuery()) {
                OffsetDateTime t = rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
                return t == null ? null : t.toInstant();
            }
        });
    }

    /** The sender starts (or resumes) the export: its instance count as of now. */
    public void sending(long id, int total) throws SQLException {
        update("UPDATE export_queue SET state = 'SENDING', total = ?, updated = ? WHERE id = ?", total, now(), id);
    }

    /** The instances of the export that the destination acknowledged already. */
    public Set<String> sentInstances(long id) throws SQLException {
        return db.read(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sop_uid FROM export_sent WHERE export_id = ?")) {
                Jdbc.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The destination acknowledged the instance (original SOP Instance UID); {@code sentStudyUid}: what it holds. */
    public void instanceSent(long id, String sopUid, String sentStudyUid) throws SQLException {
        db.inTransaction(c -> {
            if (Jdbc.queryLong(c, "SELECT COUNT(*) FROM export_sent WHERE export_id = ? AND sop_uid = ?", id,
                    sopUid) == 0) {
                Jdbc.update(c, "INSERT INTO export_sent (export_id, sop_uid) VALUES (?, ?)", id, sopUid);
                Jdbc.update(c, "UPDATE export_queue SET sent = sent + 1, updated = ?, sent_study_uid = ? WHERE id = ?",
                        now(), sentStudyUid, id);
            }
            return null;
        }, true);
    }

    public void done(long id) throws SQLException {
        update("UPDATE export_queue SET state = 'DONE', updated = ?, last_error = NULL WHERE id = ?", now(), id);
    }

    /** An attempt failed (the site down, say): tried again at {@code nextTry}. */
    public void retryLater(long id, String error, Instant nextTry) throws SQLException {
        update("UPDATE export_queue SET state = 'QUEUED', attempts = attempts + 1, last_error = ?, next_try = ?,"
                + " updated = ? WHERE id = ?", clip(error), OffsetDateTime.ofInstant(nextTry, ZoneOffset.UTC), now(), id);
    }

    /** Given up for good. */
    public void failed(long id, String error) throws SQLException {
        update("UPDATE export_queue SET state = 'FAILED', attempts = attempts + 1, last_error = ?, updated = ?"
                + " WHERE id = ?", clip(error), now(), id);
    }

    // forwarding rules: studies stored here, waiting to be quiet

    /** The study received an instance now. */
    public void touch(String studyUid) throws SQLException {
        db.inTransaction(c -> {
            if (Jdbc.update(c, "UPDATE forward_pending SET last_stored = ? WHERE study_uid = ?", now(), studyUid) == 0) {
                Jdbc.update(c, "INSERT INTO forward_pending (study_uid, last_stored) VALUES (?, ?)", studyUid, now());
            }
            return null;
        }, true);
    }

    /** The studies that received nothing since {@code cutoff}. */
    public List<String> quietSince(Instant cutoff) throws SQLException {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT study_uid FROM forward_pending WHERE last_stored <= ?"
                    + " ORDER BY last_stored")) {
                Jdbc.bind(ps, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** The study was looked at by the rules, unless it received something after {@code cutoff}. */
    public void settled(String studyUid, Instant cutoff) throws SQLException {
        update("DELETE FROM forward_pending WHERE study_uid = ? AND last_stored <= ?", studyUid,
                OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
    }

    private void update(String sql, Object... params) throws SQLException {
        db.inTransaction(c -> Jdbc.update(c, sql, params));
    }

    private List<Export> select(String where, Object... params) throws SQLException {
        return db.read(c -> read(c, "SELECT " + COLUMNS + " FROM export_queue " + where, params));
    }

    private static List<Export> read(Connection c, String sql, Object... params) throws SQLException {
        List<Export> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Export(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), ExportState.valueOf(rs.getString(6)), instant(rs, 7), instant(rs, 8),
                            rs.getInt(9), instant(rs, 10), rs.getString(11), rs.getInt(12), rs.getInt(13),
                            rs.getString(14)));
                }
            }
        }
        return out;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String clip(String error) {
        String text = error == null ? "" : error;
        return text.length() > 500 ? text.substring(0, 500) : text;
    }
}
