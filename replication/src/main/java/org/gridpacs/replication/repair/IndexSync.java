package org.gridpacs.replication.repair;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.CopyCatalog.BucketDigest;
import org.gridpacs.archive.index.CopyCatalog.StudyDigest;
import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.index.HierarchyConflictException;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.transfer.Announcement;
import org.gridpacs.replication.transfer.AnnouncementApplier;
import org.gridpacs.replication.transfer.PeerClient;

/**
 * Brings this node's view of a peer's copies up to date, at a cost that follows the differences, not the size of
 * the archive: the peer's bucket digests (a few thousand numbers, kept by its index as copies change) against this
 * node's digests of that peer's storage; only for a bucket that differs, the per-study digests of its studies; only
 * for a study that differs, the list of its copies.
 */
public final class IndexSync {
    /**
     * Copies recorded per transaction: one. A store inserts its instance row (its unique key) before it takes the
     * rows of its study (change mark, bucket digest, counts); a transaction recording several instances of a study
     * holds those rows while it inserts the next instance, which a store may have inserted first: each then waits
     * for the other until the lock timeout (seen in the 3-node disaster test, reads then missed news).
     */
    private static final int RECORD_BATCH = 1;

    private final PeerClient client;
    private final CopyCatalog catalog;
    private final StorageRegistry storages;
    private final AnnouncementApplier applier;

    public IndexSync(PeerClient client, CopyCatalog catalog, StorageRegistry storages) {
        this.client = client;
        this.catalog = catalog;
        this.storages = storages;
        this.applier = new AnnouncementApplier(catalog);
    }

    /** What one comparison did: buckets that differed, studies whose copies were read again. */
    public record Result(int buckets, int studies) {
    }

    /** Compares this node's view of {@code peer}'s home storage with what the peer holds, and corrects it. */
    public Result syncFrom(ClusterNode peer) throws IOException, SQLException {
        // a peer speaks for the copies on its home storage (its digests, its copies, its announcements)
        String theirStorage = storages.homeOf(peer.name());
        Map<Integer, BucketDigest> theirs = client.buckets(peer);
        Map<Integer, BucketDigest> mine = catalog.bucketDigests(theirStorage);
        Set<Integer> buckets = new TreeSet<>(theirs.keySet());
        buckets.addAll(mine.keySet());
        int differing = 0;
        int studies = 0;
        for (int bucket : buckets) {
            BucketDigest t = theirs.get(bucket);
            BucketDigest m = mine.get(bucket);
            if (t != null && m != null && t.copies() == m.copies() && t.digest().equals(m.digest())) {
                continue;
            }
            differing++;
            studies += syncStudies(peer, theirStorage, client.digests(peer, bucket),
                    catalog.digests(theirStorage, bucket));
        }
        return new Result(differing, studies);
    }

    private int syncStudies(ClusterNode peer, String theirStorage, Map<String, StudyDigest> theirs,
                            Map<String, StudyDigest> mine) throws IOException, SQLException {
        Set<String> studies = new LinkedHashSet<>(theirs.keySet());
        studies.addAll(mine.keySet());
        int changed = 0;
        for (String study : studies) {
            StudyDigest t = theirs.get(study);
            StudyDigest m = mine.get(study);
            if (t != null && m != null && t.copies() == m.copies() && Objects.equals(t.digest(), m.digest())) {
                continue;
            }
            List<Announcement> copies = client.studyCopies(peer, study);
            record(copies);
            Set<String> held = new HashSet<>();
            copies.forEach(a -> held.add(a.sopInstanceUID()));
            for (CopyCatalog.CopyRecord r : catalog.copies(theirStorage, study)) {
                if (!held.contains(r.sopInstanceUID())) {
                    catalog.removeCopy(theirStorage, r.sopInstanceUID());
                }
            }
            changed++;
        }
        return changed;
    }

    /**
     * Records a study's copies, {@link #RECORD_BATCH} per transaction; one by one, each conflict logged and
     * skipped, if one does not fit.
     */
    private void record(List<Announcement> copies) throws SQLException {
        try {
            List<CopyCatalog.NewCopy> batch = new ArrayList<>(copies.size());
            for (Announcement a : copies) {
                if (a.kind() != Announcement.Kind.COPY) {
                    throw new IllegalArgumentException("a list of copies holds a " + a.kind());
                }
                InstanceHeader header = HeaderEncoder.decode(a.copy().encodedHeader(), a.copy().transferSyntaxUID());
                batch.add(new CopyCatalog.NewCopy(header, a.copy().sourceAETitle(), a.copy().location(),
                        a.copy().received()));
            }
            for (int i = 0; i < batch.size(); i += RECORD_BATCH) {
                catalog.addCopies(batch.subList(i, Math.min(batch.size(), i + RECORD_BATCH)));
            }
        } catch (HierarchyConflictException | IllegalArgumentException e) {
            applier.apply(copies);
        }
    }
}
