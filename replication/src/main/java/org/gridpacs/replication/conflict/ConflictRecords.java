package org.gridpacs.replication.conflict;

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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;

/** The conflicts this node recorded (table replication_conflict, replication's migration V2). */
public final class ConflictRecords {
    private static final String COLUMNS = "pk, sop_uid, study_uid, policy, winner_checksum, winner_received,"
            + " winner_nodes, loser_checksum, loser_received, loser_nodes, loser_key, loser_size, detected, state";
    private final IndexDatabase db;
    /** The SOP Instance UIDs with a recorded conflict: most copies have none, and need no look-up. */
    private final Set<String> conflicted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ConflictRecords(IndexDatabase db) throws SQLException {
        this.db = db;
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sop_uid FROM replication_conflict");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conflicted.add(rs.getString(1));
                }
            }
            return null;
        });
    }

    /**
     * Records a conflict, or adds to the one recorded for the same losing object the nodes now seen holding
     * either object (and this node's kept-aside copy). Returns true when the conflict is new here.
     */
    boolean record(Conflict c) throws SQLException {
        conflicted.add(c.sopInstanceUID());
        return db.inTransaction(conn -> {
            Optional<Conflict> known = find(conn, c.sopInstanceUID(), c.loserChecksum());
            if (known.isEmpty()) {
                Jdbc.insert(conn, "INSERT INTO replication_conflict (sop_uid, study_uid, policy, winner_checksum,"
                                + " winner_received, winner_nodes, loser_checksum, loser_received, loser_nodes, loser_key,"
                                + " loser_size, detected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        c.sopInstanceUID(), c.studyInstanceUID(), c.policy(), c.winnerChecksum(),
                        time(c.winnerReceived()), nodes(c.winnerNodes()), c.loserChecksum(), time(c.loserReceived()),
                        nodes(c.loserNodes()), c.loserKey(), c.loserSize(), time(c.detected()));
                return true;
            }
            Conflict k = known.get();
            Set<String> winners = new TreeSet<>(k.winnerNodes());
            winners.addAll(c.winnerNodes());
            Set<String> losers = new TreeSet<>(k.loserNodes());
            losers.addAll(c.loserNodes());
            Jdbc.update(conn, "UPDATE replication_conflict SET winner_nodes = ?, loser_nodes = ?,"
                            + " loser_key = COALESCE(loser_key, ?), loser_size = COALESCE(loser_size, ?) WHERE pk = ?",
                    nodes(winners), nodes(losers), c.loserKey(), c.loserSize(), k.pk());
            return false;
        }, true);
    }

    /** The conflict in which the object {@code checksum} lost, if this node recorded one. */
    public Optional<Conflict> lost(String sopInstanceUID, String checksum) throws SQLException {
        if (!conflicted.contains(sopInstanceUID)) {
            return Optional.empty();
        }
        return db.read(c -> find(c, sopInstanceUID, checksum));
    }

    /** How many conflicts no administrator has closed yet. */
    public int openCount() throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM replication_conflict WHERE state = 'OPEN'"))
                .intValue();
    }

    /** The conflicts, newest first; only the open ones when {@code openOnly}. */
    public List<Conflict> list(boolean openOnly) throws SQLException {
        return db.read(c -> query(c, "SELECT " + COLUMNS + " FROM replication_conflict"
                + (openOnly ? " WHERE state = 'OPEN'" : "") + " ORDER BY detected DESC, pk DESC"));
    }

    /** Closes a conflict (the administrator has dealt with its losing object); false when there is no such open one. */
    public boolean close(long pk) throws SQLException {
        return db.inTransaction(c -> Jdbc.update(c, "UPDATE replication_conflict SET state = 'CLOSED'"
                + " WHERE pk = ? AND state = 'OPEN'", pk) == 1);
    }

    private static Optional<Conflict> find(Connection c, String sop, String loserChecksum) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM replication_conflict WHERE sop_uid = ? AND loser_checksum = ?",
                sop, loserChecksum).stream().findFirst();
    }

    private static List<Conflict> query(Connection c, String sql, Object... args) throws SQLException {
        List<Conflict> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long size = rs.getLong(12);
                    out.add(new Conflict(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), instant(rs, 6), nodeSet(rs.getString(7)), rs.getString(8), instant(rs, 9),
                            nodeSet(rs.getString(10)), rs.getString(11), rs.wasNull() ? null : size, instant(rs, 13),
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

    private static OffsetDateTime time(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    private static String nodes(Set<String> nodes) {
        return String.join(" ", new TreeSet<>(nodes));
    }

    private static Set<String> nodeSet(String s) {
        return s == null || s.isBlank() ? Set.of() : new TreeSet<>(Arrays.asList(s.trim().split(" +")));
    }
}
