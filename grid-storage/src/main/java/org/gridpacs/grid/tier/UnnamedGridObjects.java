package org.gridpacs.grid.tier;

import java.io.IOException;
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
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grid objects a migration uploaded and has not named yet (table {@code grid_unnamed_object}, archive index
 * V8). A migration reads each new object back before naming it; a node killed in between would leave the object in
 * the bucket with no row naming it. Its key is recorded here as soon as the upload ends, the record goes in the
 * transaction that names the object, and at the next start {@link #settle} removes what a crash left unnamed.
 * (A kill between the upload's end and its record, a few milliseconds, still leaves one for `pacs grid verify
 * --sweep`; an upload killed midway is an incomplete multipart upload, which the start-up sweep aborts.)
 */
final class UnnamedGridObjects {
    private static final Logger LOG = LoggerFactory.getLogger(UnnamedGridObjects.class);

    private final IndexDatabase db;
    private final SqlInstanceIndex index;
    private final Storage grid;
    /** Records older than this process are a crash's leftovers; newer ones are migrations running now. */
    private final Instant started = Instant.now();

    UnnamedGridObjects(IndexDatabase db, Storage grid) {
        this.db = db;
        this.index = new SqlInstanceIndex(db);
        this.grid = grid;
    }

    /** {@code key} was uploaded for {@code sopInstanceUID} and is not named yet (durable before it is read back). */
    void uploaded(String key, String sopInstanceUID) throws SQLException {
        db.inTransaction(c -> Jdbc.update(c, "INSERT INTO grid_unnamed_object (storage_key, storage_id, sop_uid,"
                + " created) VALUES (?, ?, ?, ?)", key, grid.id(), sopInstanceUID, OffsetDateTime.now(ZoneOffset.UTC)));
    }

    /** In the transaction that names the object, or after removing it: nothing owed for {@code key}. */
    void settled(Connection c, String key) throws SQLException {
        Jdbc.update(c, "DELETE FROM grid_unnamed_object WHERE storage_key = ? AND storage_id = ?", key, grid.id());
    }

    void settled(String key) throws SQLException {
        db.inTransaction(c -> {
            settled(c, key);
            return null;
        });
    }

    /**
     * What an earlier process left: each object the index names stays, every other is removed. Returns how many
     * were removed; an object the grid cannot remove now stays recorded for the next start.
     */
    int settle() throws SQLException {
        List<String> left = db.read(c -> keys(c));
        int removed = 0;
        for (String key : left) {
            if (!index.isIndexed(grid.id(), key)) {
                try {
                    grid.remove(key);
                    removed++;
                } catch (IOException e) {
                    LOG.warn("Grid object {} a crash left unnamed could not be removed now ({}); tried again at the"
                            + " next tier pass", key, e.getMessage());
                    continue;
                }
            }
            settled(key);
        }
        if (removed > 0) {
            LOG.info("Removed {} grid objects a migration interrupted by a crash had uploaded and not recorded",
                    removed);
        }
        return removed;
    }

    private List<String> keys(Connection c) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT storage_key FROM grid_unnamed_object"
                + " WHERE storage_id = ? AND created < ?")) {
            Jdbc.bind(ps, grid.id(), OffsetDateTime.ofInstant(started, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }
}
