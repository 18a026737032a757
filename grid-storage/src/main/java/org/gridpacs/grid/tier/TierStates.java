package org.gridpacs.grid.tier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;

/**
 * The durable per-study tier state of this node (table {@code grid_tier}, archive index V7) and the studies' last
 * read times ({@code study_read}). A study in {@link State#MIGRATING} or {@link State#TIERED} is not re-copied
 * locally by repair; a MIGRATING or RESTORING row left by a crash is resumed at start.
 */
public final class TierStates {
    /** RESTAGED: tiered, with local copies made on a retrieve that {@link Restaging} removes again. */
    public enum State { MIGRATING, TIERED, RESTORING, RESTAGED }

    /** One row: {@code pendingNodes} the other nodes not yet told to drop their copies. */
    public record Row(String studyInstanceUID, State state, Instant changed, List<String> pendingNodes,
                      String lastError) {
    }

    private final IndexDatabase db;

    public TierStates(IndexDatabase db) {
        this.db = db;
    }

    public Optional<Row> get(String study) throws SQLException {
        return db.read(c -> rows(c, "SELECT study_uid, state, changed, pending_nodes, last_error FROM grid_tier"
                + " WHERE study_uid = ?", study).stream().findFirst());
    }

    /** Whether the study's row is in one of {@code any}. */
    public boolean is(String study, State... any) throws SQLException {
        State state = get(study).map(Row::state).orElse(null);
        return state != null && java.util.Arrays.asList(any).contains(state);
    }

    /** Whether the study is being migrated here or is tiered (its grid copies only, until a restore). */
    public boolean tiered(String study) {
        try {
            return get(study).map(r -> r.state() != State.RESTORING).orElse(false);
        } catch (SQLException e) {
            return true;
        }
    }

    /**
     * Whether repair must not fetch copies of the study: it is MIGRATING here (other nodes may still hold copies
     * they are about to remove). A TIERED study needs no row for that: repair fetches nothing whose only copies are
     * on the grid, and fetches again once a restore (on any node) made a local copy.
     */
    public boolean migrating(String study) {
        try {
            return get(study).map(r -> r.state() == State.MIGRATING).orElse(false);
        } catch (SQLException e) {
            return true; // unknown: do not re-create copies the tier may be removing
        }
    }

    public List<Row> inState(State state) throws SQLException {
        return db.read(c -> rows(c, "SELECT study_uid, state, changed, pending_nodes, last_error FROM grid_tier"
                + " WHERE state = ? ORDER BY study_uid", state.name()));
    }

    public void set(String study, State state, List<String> pendingNodes, String lastError) throws SQLException {
        db.inTransaction(c -> {
            Object[] args = {state.name(), OffsetDateTime.now(), String.join(",", pendingNodes), lastError, study};
            if (Jdbc.update(c, "UPDATE grid_tier SET state = ?, changed = ?, pending_nodes = ?, last_error = ?"
                    + " WHERE study_uid = ?", args) == 0) {
                Jdbc.update(c, "INSERT INTO grid_tier (state, changed, pending_nodes, last_error, study_uid)"
                        + " VALUES (?, ?, ?, ?, ?)", args);
            }
            return null;
        }, true);
    }

    public void clear(String study) throws SQLException {
        db.inTransaction(c -> Jdbc.update(c, "DELETE FROM grid_tier WHERE study_uid = ?", study));
    }

    /** Records last read times (newer ones only), one transaction for the batch. */
    public void recordReads(Map<String, Instant> reads) throws SQLException {
        if (reads.isEmpty()) {
            return;
        }
        db.inTransaction(c -> {
            for (Map.Entry<String, Instant> e : reads.entrySet()) {
                OffsetDateTime t = OffsetDateTime.ofInstant(e.getValue(), ZoneOffset.UTC);
                if (Jdbc.update(c, "UPDATE study_read SET last_read = ? WHERE study_uid = ? AND last_read < ?", t,
                        e.getKey(), t) == 0 && Jdbc.queryLong(c, "SELECT COUNT(*) FROM study_read WHERE study_uid = ?",
                        e.getKey()) == 0) {
                    Jdbc.update(c, "INSERT INTO study_read (study_uid, last_read) VALUES (?, ?)", e.getKey(), t);
                }
            }
            return null;
        }, true);
    }

    /**
     * Studies not read since {@code before} (never read: not updated since), not tiered yet, oldest first, at most
     * {@code max}.
     */
    public List<String> notReadSince(Instant before, int max) throws SQLException {
        return leastRecentlyRead(OffsetDateTime.ofInstant(before, ZoneOffset.UTC), max);
    }

    /** Every study not tiered yet, the least recently read first (never read: by its last change), at most {@code max}. */
    public List<String> leastRecentlyRead(int max) throws SQLException {
        return leastRecentlyRead(null, max);
    }

    private List<String> leastRecentlyRead(OffsetDateTime before, int max) throws SQLException {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.study_uid FROM study s"
                    + " LEFT JOIN study_read r ON r.study_uid = s.study_uid"
                    + " WHERE " + (before == null ? "" : "COALESCE(r.last_read, s.updated) < ? AND")
                    + " NOT EXISTS (SELECT 1 FROM grid_tier g WHERE g.study_uid = s.study_uid AND g.state <> 'RESTORING')"
                    + " ORDER BY COALESCE(r.last_read, s.updated), s.study_uid FETCH FIRST " + max + " ROWS ONLY")) {
                if (before != null) {
                    Jdbc.bind(ps, before);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** When this node last saw the study read (as flushed to the index). */
    public Optional<Instant> lastRead(String study) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_read FROM study_read WHERE study_uid = ?")) {
                Jdbc.bind(ps, study);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
                }
            }
        });
    }

    private static List<Row> rows(Connection c, String sql, Object... args) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String pending = rs.getString(4);
                    out.add(new Row(rs.getString(1), State.valueOf(rs.getString(2)),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            pending == null || pending.isEmpty() ? List.of() : Arrays.asList(pending.split(",")),
                            rs.getString(5)));
                }
            }
        }
        return out;
    }
}
