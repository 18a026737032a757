package org.gridpacs.archive.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-bucket digests of each storage's copies, kept in step with the location rows in the same transaction,
 * so that two nodes compare their views of a storage by a few thousand numbers instead of reading every study.
 * A study's bucket is the first {@value #BUCKET_BITS} bits of the SHA-256 of its Study Instance UID (the same on
 * every node); a bucket's digest is the sum, modulo 2^64, of a 64-bit hash of (SOP Instance UID, checksum) over
 * the storage's usable copies (status OK) in the bucket's studies: order-independent, so a change adds or subtracts
 * one term. Every change of a location row goes through here, which also marks the study as changed
 * ({@code study_change}) for the placement check.
 */
public final class CopyBuckets {
    public static final int BUCKET_BITS = 12;
    public static final int BUCKETS = 1 << BUCKET_BITS;

    private static final String ROW_COLUMNS = "SELECT l.storage_id, l.checksum, l.status, i.sop_uid, st.study_uid,"
            + " st.bucket FROM location l JOIN instance i ON i.pk = l.instance_fk"
            + " JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk";

    /** One storage's copies in one bucket: how many and their digest. */
    public record Sum(long copies, long digest) {
        Sum plus(Sum o) {
            return new Sum(copies + o.copies, digest + o.digest);
        }
    }

    /** A (storage, bucket) pair. */
    public record Key(String storageId, int bucket) {
    }

    private CopyBuckets() {
    }

    /** The bucket of a study, 0 to {@link #BUCKETS} - 1. */
    public static int bucketOf(String studyInstanceUID) {
        byte[] h = sha256(studyInstanceUID);
        return ((h[0] & 0xff) << 8 | (h[1] & 0xff)) >>> (16 - BUCKET_BITS);
    }

    /** The term one copy adds to its bucket's digest. */
    public static long term(String sopInstanceUID, String checksum) {
        byte[] h = sha256(sopInstanceUID + '\0' + (checksum == null ? "" : checksum));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (h[i] & 0xff);
        }
        return v;
    }

    /** The digest as sent between nodes: 16 hex digits. */
    public static String hex(long digest) {
        return String.format("%016x", digest);
    }

    /**
     * Counts the location just inserted on {@code storageId} (status OK) for the instance {@code sopInstanceUID} of
     * {@code studyInstanceUID}: what a store knows from the header it indexes, so it reads nothing back.
     */
    static void inserted(Connection c, String storageId, String checksum, String sopInstanceUID,
                         String studyInstanceUID) throws SQLException {
        apply(c, new Row(storageId, checksum, "OK", sopInstanceUID, studyInstanceUID, bucketOf(studyInstanceUID)), 1);
    }

    /** Counts the location just inserted for instance {@code instancePk} on {@code storageId} (status OK). */
    static void inserted(Connection c, long instancePk, String storageId, String checksum) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT i.sop_uid, st.study_uid, st.bucket FROM instance i"
                + " JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk WHERE i.pk = ?")) {
            Jdbc.bind(ps, instancePk);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Row r = new Row(storageId, checksum, "OK", rs.getString(1), rs.getString(2), bucket(rs, 3));
                    apply(c, r, 1);
                }
            }
        }
    }

    /**
     * Deletes the location rows matching {@code where} (on columns of location, alias {@code l}), taking their
     * copies out of the digests first; returns how many went.
     */
    static int delete(Connection c, String where, Object... args) throws SQLException {
        for (Row r : rows(c, where, args)) {
            apply(c, r, -1);
        }
        return Jdbc.update(c, "DELETE FROM location l WHERE " + where, args);
    }

    /** Sets the status of one location row, moving its copy in or out of the digests as it becomes (un)usable. */
    static void setStatus(Connection c, String storageId, String storageKey, String status) throws SQLException {
        String where = "l.storage_id = ? AND l.storage_key = ?";
        for (Row r : rows(c, where, storageId, storageKey)) {
            apply(c, r, -1);
            apply(c, new Row(r.storageId, r.checksum, status, r.sopUID, r.studyUID, r.bucket), 1);
        }
        Jdbc.update(c, "UPDATE location l SET status = ? WHERE " + where, status, storageId, storageKey);
    }

    /** The digests computed from scratch from the location rows (tests, the migration that fills the table). */
    public static Map<Key, Sum> recompute(Connection c) throws SQLException {
        Map<Key, Sum> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(ROW_COLUMNS + " WHERE l.status = 'OK'")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String study = rs.getString(5);
                    int bucket = rs.getObject(6) == null ? bucketOf(study) : rs.getInt(6);
                    out.merge(new Key(rs.getString(1), bucket), new Sum(1, term(rs.getString(4), rs.getString(2))),
                            Sum::plus);
                }
            }
        }
        return out;
    }

    /** The digests as the table keeps them, buckets without copies left out. */
    public static Map<Key, Sum> stored(Connection c) throws SQLException {
        Map<Key, Sum> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT storage_id, bucket, copies, digest FROM copy_bucket WHERE copies <> 0 OR digest <> 0");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(new Key(rs.getString(1), rs.getInt(2)), new Sum(rs.getLong(3), digest(rs, 4)));
            }
        }
        return out;
    }

    /** Sets every study's bucket and rebuilds the digest table from the location rows (migration, generators). */
    public static void rebuild(Connection c) throws SQLException {
        List<Object[]> studies = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pk, study_uid FROM study WHERE bucket IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                studies.add(new Object[] {rs.getLong(1), bucketOf(rs.getString(2))});
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE study SET bucket = ? WHERE pk = ?")) {
            int n = 0;
            for (Object[] s : studies) {
                ps.setInt(1, (Integer) s[1]);
                ps.setLong(2, (Long) s[0]);
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        Jdbc.update(c, "DELETE FROM copy_bucket");
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO copy_bucket (storage_id, bucket, copies, digest) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<Key, Sum> e : recompute(c).entrySet()) {
                Jdbc.bind(ps, e.getKey().storageId(), e.getKey().bucket(), e.getValue().copies(),
                        java.math.BigDecimal.valueOf(e.getValue().digest()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private record Row(String storageId, String checksum, String status, String sopUID, String studyUID, int bucket) {
    }

    private static List<Row> rows(Connection c, String where, Object... args) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(ROW_COLUMNS + " WHERE " + where)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), bucket(rs, 6)));
                }
            }
        }
        return out;
    }

    private static int bucket(ResultSet rs, int column) throws SQLException {
        int b = rs.getInt(column);
        return rs.wasNull() ? bucketOf(rs.getString(column - 1)) : b;
    }

    /** Adds ({@code sign} 1) or takes out (-1) one copy: its bucket's sum when usable, and the study's change mark. */
    private static void apply(Connection c, Row r, int sign) throws SQLException {
        StudyChanges.mark(c, r.studyUID);
        if (!"OK".equals(r.status)) {
            return;
        }
        long term = sign * term(r.sopUID, r.checksum);
        // one atomic UPDATE (no read-modify-write: two concurrent changes of one bucket must both count); the
        // column sums the signed terms exactly (DECIMAL), readers take it modulo 2^64
        if (Jdbc.update(c, "UPDATE copy_bucket SET copies = copies + ?, digest = digest + ? WHERE storage_id = ?"
                + " AND bucket = ?", (long) sign, java.math.BigDecimal.valueOf(term), r.storageId, r.bucket) == 0) {
            // a concurrent first insert of the same bucket fails one transaction on the key; its retry updates
            Jdbc.update(c, "INSERT INTO copy_bucket (storage_id, bucket, copies, digest) VALUES (?, ?, ?, ?)",
                    r.storageId, r.bucket, (long) sign, java.math.BigDecimal.valueOf(term));
        }
    }

    /** The digest column as sent between nodes: the exact sum modulo 2^64. */
    public static long digest(ResultSet rs, int column) throws SQLException {
        return rs.getBigDecimal(column).toBigInteger().longValue();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
