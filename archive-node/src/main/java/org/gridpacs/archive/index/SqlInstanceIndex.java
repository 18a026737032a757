package org.gridpacs.archive.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.gridpacs.archive.storage.StoredObject;

/**
 * {@link InstanceIndex} on an {@link IndexDatabase} in plain JDBC (H2 by default, PostgreSQL in reach). Every
 * call is one transaction; store-side calls are retried on conflicts, including the unique-constraint
 * violation by which the loser of a race to create the same patient, study, series or instance learns of it.
 */
public final class SqlInstanceIndex implements InstanceIndex {
    private final IndexDatabase db;
    private final Clock clock;

    public SqlInstanceIndex(IndexDatabase db) {
        this(db, Clock.systemUTC());
    }

    public SqlInstanceIndex(IndexDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<IndexedInstance> find(String sopInstanceUID) throws SQLException {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + InstanceRows.COLUMNS + " FROM "
                    + InstanceRows.FROM_SERIES_STUDY + " WHERE i.sop_uid = ? ORDER BY l.pk")) {
                Jdbc.bind(ps, sopInstanceUID);
                try (ResultSet rs = ps.executeQuery()) {
                    return InstanceRows.collect(rs).stream().findFirst();
                }
            }
        });
    }

    @Override
    public boolean insert(InstanceHeader header, StoredObject object, String sourceAETitle) throws SQLException {
        return db.inTransaction(c -> new InstanceWriter(c, now()).insert(header, object, sourceAETitle), true);
    }

    @Override
    public List<IndexedInstance.Location> replace(InstanceHeader header, StoredObject object, String sourceAETitle)
            throws SQLException {
        return db.inTransaction(c -> new InstanceWriter(c, now()).replace(header, object, sourceAETitle), true);
    }

    @Override
    public boolean addLocation(String sopInstanceUID, StoredObject object) throws SQLException {
        return db.inTransaction(c -> addLocation(c, sopInstanceUID, object), true);
    }

    /**
     * {@link #addLocation(String, StoredObject)} inside the caller's transaction {@code c} (the grid copier records
     * its copy, its queue entry's removal and the news for the peers in one commit); the caller retries conflicts.
     */
    public boolean addLocation(Connection c, String sopInstanceUID, StoredObject object) throws SQLException {
        // the row locked: two writers recording a copy on one storage at once (the off-site copier and a migration
        // to the grid) would each find none to replace and leave two; the second now waits and replaces the first's
        Long pk = Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ? FOR UPDATE", sopInstanceUID);
        if (pk == null) {
            return false;
        }
        // a copy kept aside as the loser of a conflict (status CONFLICT) stays: the conflict record names it
        CopyBuckets.delete(c, "l.instance_fk = ? AND l.storage_id = ? AND l.status <> 'CONFLICT'", pk,
                object.storageId());
        new InstanceWriter(c, now()).insertLocation(pk, object);
        return true;
    }

    /**
     * As {@link #addLocation}, for a shared storage (the grid) that two writers may copy one instance to at once (the
     * off-site copier and a migration): when the instance already has a sound copy there under another key, or is
     * gone, nothing is written and the answer is false; the caller then removes its own object, which nothing names
     * (replacing the first writer's row would leave the first object unnamed, and the peers may already name it).
     * True when this object's row was written, or was already there.
     */
    public boolean addLocationUnlessHeld(Connection c, String sopInstanceUID, StoredObject object) throws SQLException {
        Long pk = Jdbc.queryLong(c, "SELECT pk FROM instance WHERE sop_uid = ? FOR UPDATE", sopInstanceUID);
        if (pk == null) {
            return false;
        }
        Long sameKey = Jdbc.queryLong(c, "SELECT pk FROM location WHERE instance_fk = ? AND storage_id = ? "
                + "AND storage_key = ? AND status = 'OK'", pk, object.storageId(), object.key());
        if (sameKey != null) {
            return true;
        }
        Long held = Jdbc.queryLong(c, "SELECT pk FROM location WHERE instance_fk = ? AND storage_id = ? "
                + "AND status = 'OK'", pk, object.storageId());
        if (held != null) {
            return false;
        }
        return addLocation(c, sopInstanceUID, object);
    }

    @Override
    public void forEachLocation(Consumer<IndexedInstance.Location> visitor) throws SQLException {
        db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT storage_id, storage_key, object_size, checksum, status FROM location ORDER BY pk")) {
                ps.setFetchSize(500);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        visitor.accept(new IndexedInstance.Location(rs.getString(1), rs.getString(2), rs.getLong(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return null;
        });
    }

    @Override
    public boolean isIndexed(String storageId, String storageKey) throws SQLException {
        return db.read(c -> Jdbc.queryLong(c, "SELECT pk FROM location WHERE storage_id = ? AND storage_key = ?",
                storageId, storageKey) != null);
    }

    /**
     * Which of {@code keys} a location row of {@code storageId} names: one query per batch (the unique index on
     * (storage_id, storage_key) answers it), for a sweep that checks a listing page by page.
     */
    public Set<String> namedKeys(String storageId, Collection<String> keys) throws SQLException {
        Set<String> named = new HashSet<>();
        if (keys.isEmpty()) {
            return named;
        }
        List<Object> params = new ArrayList<>(keys.size() + 1);
        params.add(storageId);
        params.addAll(keys);
        String sql = "SELECT storage_key FROM location WHERE storage_id = ? AND storage_key IN ("
                + String.join(", ", Collections.nCopies(keys.size(), "?")) + ")";
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Jdbc.bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        named.add(rs.getString(1));
                    }
                }
            }
            return named;
        });
    }

    @Override
    public void markLocation(String storageId, String storageKey, String status) throws SQLException {
        db.inTransaction(c -> {
            CopyBuckets.setStatus(c, storageId, storageKey, status);
            return null;
        }, true);
    }

    /** {@link #markLocation(String, String, String)} inside the caller's transaction {@code c}. */
    public void markLocation(Connection c, String storageId, String storageKey, String status) throws SQLException {
        CopyBuckets.setStatus(c, storageId, storageKey, status);
    }

    /** {@link #removeLocation(String, String)} inside the caller's transaction {@code c}. */
    public void removeLocation(Connection c, String storageId, String storageKey) throws SQLException {
        CopyBuckets.delete(c, "l.storage_id = ? AND l.storage_key = ?", storageId, storageKey);
    }

    @Override
    public void removeLocation(String storageId, String storageKey) throws SQLException {
        db.inTransaction(c -> CopyBuckets.delete(c, "l.storage_id = ? AND l.storage_key = ?", storageId, storageKey),
                true);
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
