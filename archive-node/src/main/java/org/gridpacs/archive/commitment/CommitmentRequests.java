package org.gridpacs.archive.commitment;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;

/**
 * The durable record of Storage Commitment requests, in the node's index (tables of migration V4): written in the
 * transaction that precedes the N-ACTION-RSP, marked DONE once the requester confirmed the N-EVENT-REPORT. DONE
 * rows stay as tombstones for {@link #purgeDone(long)}'s age, so that a node back from a crash learns from a peer
 * that a request was answered meanwhile.
 */
public final class CommitmentRequests {
    /** What {@link #add} did. */
    public enum Added { NEW, SAME, CONFLICT }

    private static final String PENDING = "PENDING";
    private static final String DONE = "DONE";

    private final IndexDatabase db;

    public CommitmentRequests(IndexDatabase db) {
        this.db = db;
    }

    /**
     * Records a request. SAME when a pending one with this Transaction UID asks the same thing (a repeated
     * N-ACTION: nothing changes); CONFLICT when it asks something else; a DONE one is replaced (the UID reused
     * after its answer).
     */
    public Added add(CommitmentRequest request) throws SQLException {
        return db.inTransaction(c -> {
            Optional<String> state = state(c, request.transactionUID());
            if (state.isPresent() && state.get().equals(PENDING)) {
                return find(c, request.transactionUID()).orElseThrow().sameAs(request) ? Added.SAME : Added.CONFLICT;
            }
            if (state.isPresent()) {
                Jdbc.update(c, "DELETE FROM commitment_request WHERE transaction_uid = ?", request.transactionUID());
            }
            Jdbc.update(c, "INSERT INTO commitment_request (transaction_uid, requester_ae, called_ae, received_by,"
                            + " received_at, state) VALUES (?, ?, ?, ?, ?, ?)", request.transactionUID(),
                    request.requesterAE(), request.calledAE(), request.receivedBy(), request.receivedAt(), PENDING);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO commitment_item (transaction_uid, position,"
                    + " sop_class_uid, sop_instance_uid) VALUES (?, ?, ?, ?)")) {
                int position = 0;
                for (ReferencedSop sop : request.instances()) {
                    Jdbc.bind(ps, request.transactionUID(), position++, sop.sopClassUID(), sop.sopInstanceUID());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return Added.NEW;
        }, true);
    }

    /** Every request not answered yet, oldest first. */
    public List<CommitmentRequest> pending() throws SQLException {
        return db.read(c -> {
            Map<String, CommitmentRequest> out = new LinkedHashMap<>();
            List<String> uids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT transaction_uid FROM commitment_request WHERE state = ? ORDER BY received_at")) {
                Jdbc.bind(ps, PENDING);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        uids.add(rs.getString(1));
                    }
                }
            }
            for (String uid : uids) {
                find(c, uid).ifPresent(r -> out.put(uid, r));
            }
            return List.copyOf(out.values());
        });
    }

    /** The pending requests' Transaction UIDs and receipt times, oldest first (cheap: for a pass over them). */
    public Map<String, Long> pendingKeys() throws SQLException {
        return db.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT transaction_uid, received_at FROM commitment_request"
                    + " WHERE state = ? ORDER BY received_at")) {
                Jdbc.bind(ps, PENDING);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /** The request with this Transaction UID, pending or done. */
    public Optional<CommitmentRequest> find(String transactionUID) throws SQLException {
        return db.read(c -> find(c, transactionUID));
    }

    public boolean isDone(String transactionUID) throws SQLException {
        return db.read(c -> state(c, transactionUID)).map(DONE::equals).orElse(false);
    }

    public boolean isPending(String transactionUID) throws SQLException {
        return db.read(c -> state(c, transactionUID)).map(PENDING::equals).orElse(false);
    }

    /** Marks a request answered (its items go; the row stays as a tombstone). False when it was not pending. */
    public boolean markDone(String transactionUID) throws SQLException {
        return db.inTransaction(c -> {
            Jdbc.update(c, "DELETE FROM commitment_item WHERE transaction_uid = ?", transactionUID);
            return Jdbc.update(c, "UPDATE commitment_request SET state = ?, done_at = ? WHERE transaction_uid = ?"
                    + " AND state = ?", DONE, System.currentTimeMillis(), transactionUID, PENDING) > 0;
        });
    }

    /** Records a request a peer has answered, known here or not, so that this node never answers it again. */
    public void recordDone(String transactionUID, String requesterAE, String calledAE, String answeredBy)
            throws SQLException {
        if (!markDone(transactionUID) && !isDone(transactionUID)) {
            db.inTransaction(c -> Jdbc.update(c, "INSERT INTO commitment_request (transaction_uid, requester_ae,"
                            + " called_ae, received_by, received_at, state, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    transactionUID, requesterAE, calledAE, answeredBy, System.currentTimeMillis(), DONE,
                    System.currentTimeMillis()), true);
        }
    }

    /** Forgets the tombstones of requests answered before {@code beforeMillis}. */
    public int purgeDone(long beforeMillis) throws SQLException {
        return db.inTransaction(c -> Jdbc.update(c,
                "DELETE FROM commitment_request WHERE state = ? AND done_at < ?", DONE, beforeMillis));
    }

    private static Optional<String> state(Connection c, String transactionUID) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT state FROM commitment_request WHERE transaction_uid = ?")) {
            Jdbc.bind(ps, transactionUID);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static Optional<CommitmentRequest> find(Connection c, String transactionUID) throws SQLException {
        String requester;
        String called;
        String receivedBy;
        long receivedAt;
        try (PreparedStatement ps = c.prepareStatement("SELECT requester_ae, called_ae, received_by, received_at"
                + " FROM commitment_request WHERE transaction_uid = ?")) {
            Jdbc.bind(ps, transactionUID);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                requester = rs.getString(1);
                called = rs.getString(2);
                receivedBy = rs.getString(3);
                receivedAt = rs.getLong(4);
            }
        }
        List<ReferencedSop> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sop_class_uid, sop_instance_uid FROM commitment_item"
                + " WHERE transaction_uid = ? ORDER BY position")) {
            Jdbc.bind(ps, transactionUID);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new ReferencedSop(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return Optional.of(new CommitmentRequest(transactionUID, requester, called, receivedBy, receivedAt, items));
    }
}
