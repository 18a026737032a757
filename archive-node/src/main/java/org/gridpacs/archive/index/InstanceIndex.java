package org.gridpacs.archive.index;

import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;

import org.gridpacs.archive.storage.StoredObject;

/**
 * The store side of the index. Each call is one transaction, retried on serialisation conflicts, and never
 * creates a second patient, study or series for the same keys whatever runs concurrently.
 */
public interface InstanceIndex {

    /** The instance with this SOP Instance UID, if indexed. */
    Optional<IndexedInstance> find(String sopInstanceUID) throws SQLException;

    /**
     * Indexes a new instance and its location (creating its patient, study and series as needed, and updating
     * the study and series aggregates).
     *
     * @return true when inserted; false when an instance with this SOP Instance UID was already indexed (by a
     *         concurrent store): nothing was changed then
     */
    boolean insert(InstanceHeader header, StoredObject object, String sourceAETitle) throws SQLException;

    /**
     * Replaces an indexed instance by a new object under the same SOP Instance UID; returns the locations of
     * the replaced copies, which the caller removes from storage after the commit.
     */
    java.util.List<IndexedInstance.Location> replace(InstanceHeader header, StoredObject object, String sourceAETitle)
            throws SQLException;

    /**
     * Adds a location for an indexed instance: one more copy, on a storage that held none of it (a copy under
     * another key on the same storage is forgotten). False when the instance is not indexed.
     */
    boolean addLocation(String sopInstanceUID, StoredObject object) throws SQLException;

    /** Visits every location row, for repair (is its object still there?). */
    void forEachLocation(Consumer<IndexedInstance.Location> visitor) throws SQLException;

    /** Whether a location row names this object. */
    boolean isIndexed(String storageId, String storageKey) throws SQLException;

    /** Sets the status of a location row ("OK" when usable), for repair; no such row, no change. */
    void markLocation(String storageId, String storageKey, String status) throws SQLException;

    /** Removes a location row, for repair; the instance row stays (with its other copies, if any). */
    void removeLocation(String storageId, String storageKey) throws SQLException;
}
