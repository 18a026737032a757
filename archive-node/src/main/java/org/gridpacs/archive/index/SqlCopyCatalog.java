package org.gridpacs.archive.index;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridpacs.archive.storage.StoredObject;

/** {@link CopyCatalog} on the index database, one transaction per change, retried on conflicts. */
public final class SqlCopyCatalog implements CopyCatalog {
    private static final String COPY_COLUMNS = "i.sop_uid, st.study_uid, i.transfer_syntax, i.source_aet, i.header,"
            + " l.storage_id, l.storage_key, l.object_size, l.checksum, l.status, i.received";
    private static final String COPY_FROM = "location l JOIN instance i ON i.pk = l.instance_fk"
            + " JOIN series se ON se.pk = i.series_fk JOIN study st ON st.pk = se.study_fk";

    private final IndexDatabase db;
    private final Clock clock;

    public SqlCopyCatalog(IndexDatabase db) {
        this(db, Clock.systemUTC());
    }

    public SqlCopyCatalog(IndexDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public boolean addCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location l) throws SQLException {
        return db.inTransaction(c -> addCopy(c, header, sourceAETitle, l), true);
    }

    @Override
    public int addCopies(List<NewCopy> copies) throws SQLException {
        return db.inTransaction(c -> {
            int changed = 0;
            for (NewCopy n : copies) {
                changed += addCopy(c, n.header(), n.sourceAETitle(), n.location()) ? 1 : 0;
            }
            return changed;
        }, true);
    }

    @Override
    public boolean withdrawCopy(String storageId, String sopInstanceUID, String storageKey) throws SQLException {
        return db.inTransaction(c -> {
            Long pk = Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ?", sopInstanceUID);
            return pk != null && new InstanceWriter(c, OffsetDateTime.now(clock)).withdraw(pk, storageId, storageKey);
        });
    }

    /**
     * {@link #addCopy} inside the caller's transaction {@code c} (so that a caller records a copy together with its
     * own rows in one commit); the caller retries on conflicts, unique violations included.
     */
    public boolean addCopy(Connection c, InstanceHeader header, String sourceAETitle, IndexedInstance.Location l)
            throws SQLException {
        InstanceWriter writer = new InstanceWriter(c, OffsetDateTime.now(clock));
        StoredObject object = new StoredObject(l.storageId(), l.storageKey(), l.size(), l.checksum());
        Long pk = Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ?", header.sopInstanceUID());
        if (pk == null) {
            return writer.insert(header, object, sourceAETitle);
        }
        if (Jdbc.queryLong(c, "SELECT pk FROM location WHERE instance_fk = ? AND storage_id = ? AND storage_key = ?",
                pk, l.storageId(), l.storageKey()) != null) {
            return false;
        }
        // a copy kept aside as the loser of a conflict (status CONFLICT) stays: the conflict record names it
        CopyBuckets.delete(c, "l.instance_fk = ? AND l.storage_id = ? AND l.status <> 'CONFLICT'", pk, l.storageId());
        writer.insertLocation(pk, object);
        return true;
    }

    @Override
    public void removeCopy(String storageId, String sopInstanceUID) throws SQLException {
        db.inTransaction(c -> CopyBuckets.delete(c, "l.storage_id = ? AND l.instance_fk ="
                + " (SELECT pk FROM instance WHERE sop_uid = ?)", storageId, sopInstanceUID), true);
    }

    /** {@link #removeCopy} inside the caller's transaction {@code c} (with the news of it, say). */
    public void removeCopy(Connection c, String storageId, String sopInstanceUID) throws SQLException {
        CopyBuckets.delete(c, "l.storage_id = ? AND l.instance_fk = (SELECT pk FROM instance WHERE sop_uid = ?)",
                storageId, sopInstanceUID);
    }

    @Override
    public Optional<CopyRecord> copy(String storageId, String sopInstanceUID) throws SQLException {
        return db.read(c -> records(c, "SELECT " + COPY_COLUMNS + " FROM " + COPY_FROM
                // a copy kept aside as a conflict's loser first: announcing it tells peers of the conflict
                + " WHERE l.storage_id = ? AND i.sop_uid = ? ORDER BY CASE l.status WHEN 'CONFLICT' THEN 0 ELSE 1 END,"
                + " l.pk", storageId, sopInstanceUID).stream().findFirst());
    }

    @Override
    public List<CopyRecord> copies(String storageId, String studyInstanceUID) throws SQLException {
        return db.read(c -> records(c, "SELECT " + COPY_COLUMNS + " FROM " + COPY_FROM
                + " WHERE l.storage_id = ? AND st.study_uid = ? ORDER BY i.sop_uid", storageId, studyInstanceUID));
    }

    @Override
    public Map<String, StudyDigest> digests(String storageId) throws SQLException {
        return digests("", storageId);
    }

    @Override
    public Map<String, StudyDigest> digests(String storageId, int bucket) throws SQLException {
        return digests(" AND st.bucket = ?", storageId, bucket);
    }

    @Override
    public Map<Integer, BucketDigest> bucketDigests(String storageId) throws SQLException {
        return db.read(c -> {
            Map<Integer, BucketDigest> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT bucket, copies, digest FROM copy_bucket"
                    + " WHERE storage_id = ? AND (copies <> 0 OR digest <> 0) ORDER BY bucket")) {
                Jdbc.bind(ps, storageId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getInt(1), new BucketDigest(rs.getInt(1), rs.getLong(2),
                                CopyBuckets.hex(CopyBuckets.digest(rs, 3))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<String> studies(String after, int limit) throws SQLException {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT study_uid FROM study WHERE study_uid > ?"
                    + " ORDER BY study_uid FETCH FIRST " + limit + " ROWS ONLY")) {
                Jdbc.bind(ps, after == null ? "" : after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<StudyChange> changedStudies(String after, int limit) throws SQLException {
        return db.read(c -> {
            List<StudyChange> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT study_uid, seq FROM study_change WHERE study_uid > ?"
                    + " ORDER BY study_uid FETCH FIRST " + limit + " ROWS ONLY")) {
                Jdbc.bind(ps, after == null ? "" : after);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StudyChange(rs.getString(1), rs.getLong(2)));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void clearChange(StudyChange change) throws SQLException {
        db.inTransaction(c -> Jdbc.update(c, "DELETE FROM study_change WHERE study_uid = ? AND seq = ?",
                change.studyInstanceUID(), change.seq()));
    }

    private Map<String, StudyDigest> digests(String andWhere, Object... args) throws SQLException {
        return db.read(c -> {
            Map<String, StudyDigest> out = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT st.study_uid, i.sop_uid, l.checksum FROM " + COPY_FROM
                    + " WHERE l.storage_id = ? AND l.status = 'OK'" + andWhere + " ORDER BY st.study_uid, i.sop_uid")) {
                Jdbc.bind(ps, args);
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    Digester d = null;
                    while (rs.next()) {
                        String study = rs.getString(1);
                        if (d == null || !d.study.equals(study)) {
                            if (d != null) {
                                out.put(d.study, d.finish());
                            }
                            d = new Digester(study);
                        }
                        d.add(rs.getString(2), rs.getString(3));
                    }
                    if (d != null) {
                        out.put(d.study, d.finish());
                    }
                }
            }
            return out;
        });
    }

    /** The digest of one study's copies; the same on every node for the same copies (SOP Instance UID order). */
    public static StudyDigest digest(String studyInstanceUID, List<CopyRecord> copies) {
        Digester d = new Digester(studyInstanceUID);
        copies.stream().sorted(java.util.Comparator.comparing(CopyRecord::sopInstanceUID))
                .forEach(r -> d.add(r.sopInstanceUID(), r.location().checksum()));
        return d.finish();
    }

    @Override
    public List<String> studies() throws SQLException {
        return db.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT study_uid FROM study ORDER BY study_uid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public List<IndexedInstance> instances(String studyInstanceUID) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + InstanceRows.COLUMNS + " FROM " + InstanceRows.FROM
                    + " WHERE st.study_uid = ? ORDER BY i.pk, l.pk")) {
                Jdbc.bind(ps, studyInstanceUID);
                try (ResultSet rs = ps.executeQuery()) {
                    return InstanceRows.collect(rs);
                }
            }
        });
    }

    private static List<CopyRecord> records(Connection c, String sql, Object... args) throws SQLException {
        List<CopyRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Jdbc.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CopyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBytes(5), new IndexedInstance.Location(rs.getString(6), rs.getString(7), rs.getLong(8),
                            rs.getString(9), rs.getString(10)),
                            rs.getObject(11, OffsetDateTime.class) == null ? null
                                    : rs.getObject(11, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return out;
    }

    /** SHA-256 over "SOP Instance UID NUL checksum LF" in order, the first 16 bytes in hex. */
    private static final class Digester {
        final String study;
        final MessageDigest sha;
        int count;

        Digester(String study) {
            this.study = study;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void add(String sopUID, String checksum) {
            sha.update((sopUID + '\0' + checksum + '\n').getBytes(StandardCharsets.US_ASCII));
            count++;
        }

        StudyDigest finish() {
            return new StudyDigest(study, count, HexFormat.of().formatHex(sha.digest(), 0, 16));
        }
    }
}
