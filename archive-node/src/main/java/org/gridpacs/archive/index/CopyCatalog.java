package org.gridpacs.archive.index;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which storage holds a copy of which instance (whose node that is: {@link
 * org.gridpacs.archive.storage.StorageRegistry}), as the cluster's replication reads and
 * changes it: copies announced by other nodes, per-study digests to compare two nodes' views, and the records
 * that let another node index an instance it has never seen. Every change is idempotent.
 */
public interface CopyCatalog {

    /**
     * A copy with what another node needs to index its instance: header, transfer syntax, source AE, and when the
     * cluster first received the object ({@code received}, null when not known), which orders two different
     * objects under one SOP Instance UID the same way on every node.
     */
    record CopyRecord(String sopInstanceUID, String studyInstanceUID, String transferSyntaxUID, String sourceAETitle,
                      byte[] encodedHeader, IndexedInstance.Location location, java.time.Instant received) {

        public CopyRecord(String sopInstanceUID, String studyInstanceUID, String transferSyntaxUID,
                          String sourceAETitle, byte[] encodedHeader, IndexedInstance.Location location) {
            this(sopInstanceUID, studyInstanceUID, transferSyntaxUID, sourceAETitle, encodedHeader, location, null);
        }
    }

    /** The copies one storage holds in one study, summed up: how many, and a hash of their UIDs and checksums. */
    record StudyDigest(String studyInstanceUID, int copies, String digest) {
    }

    /**
     * Records that {@code location.storageId()} holds the copy {@code location} of the instance {@code header}
     * describes, indexing the instance first when it is unknown here. A copy under another key on the same
     * storage (replaced there) is forgotten.
     *
     * @return false when the index already said exactly that
     * @throws HierarchyConflictException when the header contradicts the index (its series is in another study)
     */
    boolean addCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location location) throws SQLException;

    /**
     * As {@link #addCopy(InstanceHeader, String, IndexedInstance.Location)}, saying when the cluster first received
     * the object (null: not known). A catalog that orders conflicting objects uses it; this one ignores it.
     */
    default boolean addCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location location,
                            java.time.Instant received) throws SQLException {
        return addCopy(header, sourceAETitle, location);
    }

    /** A copy to record with {@link #addCopies}: what {@link #addCopy} takes, with when it was first received. */
    record NewCopy(InstanceHeader header, String sourceAETitle, IndexedInstance.Location location,
                   java.time.Instant received) {
    }

    /**
     * {@link #addCopy} for each, in one transaction (an index catching up records thousands): all or none.
     *
     * @return how many changed the index
     * @throws HierarchyConflictException when one header contradicts the index (nothing is recorded then)
     */
    int addCopies(List<NewCopy> copies) throws SQLException;

    /**
     * Takes back a copy that should never have been made (its origin refused the instance after streaming it
     * here): forgets the copy {@code storageKey} on {@code storageId}, and the instance itself when that was its
     * only copy, as if it had never been stored. False when the index names no such copy.
     */
    boolean withdrawCopy(String storageId, String sopInstanceUID, String storageKey) throws SQLException;

    /** Forgets the copy {@code storageId} held of an instance (it was dropped there); none, no change. */
    void removeCopy(String storageId, String sopInstanceUID) throws SQLException;

    /** The copy {@code storageId} holds of an instance, if the index knows of one. */
    Optional<CopyRecord> copy(String storageId, String sopInstanceUID) throws SQLException;

    /** Every copy {@code storageId} holds in a study, by SOP Instance UID. */
    List<CopyRecord> copies(String storageId, String studyInstanceUID) throws SQLException;

    /** For every study in which {@code storageId} holds copies, their digest; by Study Instance UID. */
    Map<String, StudyDigest> digests(String storageId) throws SQLException;

    /** The copies one storage holds in one bucket of studies ({@link CopyBuckets}): how many, and their digest. */
    record BucketDigest(int bucket, long copies, String digest) {
    }

    /** A mark that a study's copies changed; {@code seq} tells whether it changed again since it was read. */
    record StudyChange(String studyInstanceUID, long seq) {
    }

    /** The digest of every bucket in which {@code storageId} holds copies; by bucket. Kept up to date, not computed. */
    Map<Integer, BucketDigest> bucketDigests(String storageId) throws SQLException;

    /** As {@link #digests(String)}, for the studies of one bucket only. */
    Map<String, StudyDigest> digests(String storageId, int bucket) throws SQLException;

    /** Every Study Instance UID in the index, in order (tools, tests; repair reads {@link #studies(String, int)}). */
    List<String> studies() throws SQLException;

    /** At most {@code limit} Study Instance UIDs after {@code after} (null: from the first), in order: one page. */
    List<String> studies(String after, int limit) throws SQLException;

    /** At most {@code limit} studies whose copies changed since their mark was last cleared, after {@code after}. */
    List<StudyChange> changedStudies(String after, int limit) throws SQLException;

    /** Clears the mark of a study, unless its copies changed again since {@code change} was read. */
    void clearChange(StudyChange change) throws SQLException;

    /** The instances of a study with all their locations. */
    List<IndexedInstance> instances(String studyInstanceUID) throws SQLException;
}
