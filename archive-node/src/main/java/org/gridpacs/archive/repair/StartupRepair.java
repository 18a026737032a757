package org.gridpacs.archive.repair;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.index.IndexedInstance.Location;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index and one storage back into agreement after an unclean stop: removes unfinished writes,
 * marks index entries whose file is gone, and indexes files that no entry names (a crash between the write and
 * the index commit). Files are never deleted here, only temporary ones: what cannot be read is reported.
 *
 * <p>An entry whose file is gone is marked "MISSING" (not usable: retrieve passes over it, and replication can
 * copy the instance back from a peer), and "OK" again if its file turns up (a volume mounted late).
 *
 * <p>Runs before the node serves, once per storage: a write in progress would look like a leftover, and an
 * object written but not yet indexed like a file to re-index.
 */
public final class StartupRepair {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRepair.class);
    static final String OK = "OK";
    static final String MISSING = "MISSING";

    private final InstanceIndex index;
    private final Storage storage;

    public StartupRepair(InstanceIndex index, Storage storage) {
        this.index = index;
        this.storage = storage;
    }

    /** What a run found and did. */
    public record Result(String storageId, int unfinishedWritesRemoved, int filesReindexed, int entriesWithoutFile,
                         boolean entriesLeftUnmarked, int entriesWithFileBack, int unreadableFiles, int duplicateFiles) {

        /** One line for an administrator. */
        public String summary() {
            StringBuilder s = new StringBuilder("Startup check of storage ").append(storageId).append(": ")
                    .append(count(unfinishedWritesRemoved, "unfinished write", "unfinished writes")).append(" removed, ")
                    .append(count(filesReindexed, "file", "files")).append(" re-indexed, ")
                    .append(count(entriesWithoutFile, "index entry", "index entries")).append(" without a file");
            if (entriesLeftUnmarked) {
                s.append(" (left as they are: the storage holds no file at all; is its volume mounted?)");
            }
            if (entriesWithFileBack > 0) {
                s.append(", ").append(count(entriesWithFileBack, "index entry", "index entries"))
                        .append(" whose file is back");
            }
            if (unreadableFiles > 0) {
                s.append(", ").append(count(unreadableFiles, "file", "files"))
                        .append(" not readable as DICOM left in place (see the warnings)");
            }
            if (duplicateFiles > 0) {
                s.append(", ").append(count(duplicateFiles, "file", "files"))
                        .append(" holding an instance already indexed with another file left in place");
            }
            return s.toString();
        }

        private static String count(int n, String one, String many) {
            return n + " " + (n == 1 ? one : many);
        }
    }

    public Result run() throws IOException, SQLException {
        int swept = storage.sweepIncomplete();
        Orphans orphans = indexOrphans();
        Result result = checkLocations(swept, orphans);
        LOG.info(result.summary());
        return result;
    }

    /** Counts of the files pass. */
    private static final class Orphans {
        int files;
        int reindexed;
        int unreadable;
        int duplicates;
    }

    private Orphans indexOrphans() throws IOException, SQLException {
        Orphans o = new Orphans();
        try {
            storage.list(object -> {
                o.files++;
                try {
                    if (!index.isIndexed(storage.id(), object.key())) {
                        reindex(object, o);
                    }
                } catch (org.gridpacs.archive.index.HierarchyConflictException | RuntimeException e) {
                    // this one file contradicts the index: report it, and let the node start
                    o.unreadable++;
                    LOG.warn("Startup check: {} in storage {} could not be indexed ({}); left in place", object.key(),
                            storage.id(), e.toString());
                } catch (SQLException e) {
                    throw new IndexFailure(e); // the index itself fails: starting would not help
                }
            });
        } catch (IndexFailure e) {
            throw e.getCause();
        }
        return o;
    }

    private void reindex(StoredObject listed, Orphans o) throws SQLException {
        InstanceHeader header;
        StoredObject measured;
        try {
            header = readHeader(listed.key());
            measured = measure(listed.key());
        } catch (IOException | IllegalArgumentException e) {
            o.unreadable++;
            LOG.warn("Startup check: {} in storage {} is not indexed and cannot be read as a DICOM instance ({}); "
                    + "left in place", listed.key(), storage.id(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            o.unreadable++; // a reader bug must not stop the node from starting; the stack trace is for us
            LOG.warn("Startup check: {} in storage {} could not be read; left in place", listed.key(), storage.id(), e);
            return;
        }
        if (index.insert(header, measured, null)) {
            o.reindexed++;
            LOG.info("Startup check: indexed {} in storage {} (SOP Instance UID {})", listed.key(), storage.id(),
                    header.sopInstanceUID());
        } else if (hasNoUsableCopy(header.sopInstanceUID())) {
            // indexed, but its only copies are gone (for example a replace whose index commit a power cut undid):
            // this complete file is the instance now
            index.replace(header, measured, null);
            o.reindexed++;
            LOG.warn("Startup check: {} in storage {} restores SOP Instance UID {}, whose indexed copies are missing",
                    listed.key(), storage.id(), header.sopInstanceUID());
        } else {
            o.duplicates++;
            LOG.warn("Startup check: {} in storage {} holds SOP Instance UID {}, which is already indexed with another "
                    + "file; left in place", listed.key(), storage.id(), header.sopInstanceUID());
        }
    }

    private boolean hasNoUsableCopy(String sopInstanceUID) throws SQLException {
        return index.find(sopInstanceUID)
                .map(i -> i.locations().stream().noneMatch(this::usable))
                .orElse(false);
    }

    /** Marked OK, and there when it is on this storage (the locations are checked only after the orphans). */
    private boolean usable(org.gridpacs.archive.index.IndexedInstance.Location l) {
        if (!"OK".equals(l.status())) {
            return false;
        }
        try {
            return !l.storageId().equals(storage.id()) || storage.exists(l.storageKey());
        } catch (IOException e) {
            return false;
        }
    }

    /** The header up to Pixel Data, large values skipped: a few kilobytes read whatever the file's size. */
    private InstanceHeader readHeader(String key) throws IOException {
        try (DicomInputStream in = new DicomInputStream(storage.open(key))) {
            in.setBulkDataThreshold(HeaderEncoder.BULK_DATA_THRESHOLD); // overlays, private blobs: skipped, not loaded
            in.readFileMetaInformation();
            DataSet ds = in.readDataSet(Tag.PixelData);
            return InstanceHeader.of(ds, in.transferSyntax().uid(), HeaderEncoder.encode(ds));
        }
    }

    /** Size and checksum from the bytes themselves: the listing gives neither a checksum nor a promise. */
    private StoredObject measure(String key) throws IOException {
        try (InputStream in = storage.open(key)) {
            Checksums.Measured m = Checksums.measure(in);
            return new StoredObject(storage.id(), key, m.size(), m.checksum());
        }
    }

    private Result checkLocations(int swept, Orphans o) throws IOException, SQLException {
        List<Location> missing = new ArrayList<>();
        List<Location> back = new ArrayList<>();
        try {
            index.forEachLocation(loc -> {
                if (!loc.storageId().equals(storage.id())) {
                    return; // every node indexes the whole cluster: other storages are not ours to judge
                }
                boolean present = exists(loc.storageKey());
                if (!present && OK.equals(loc.status())) {
                    missing.add(loc);
                } else if (present && MISSING.equals(loc.status())) {
                    back.add(loc);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        // marked after the visit, not during it: the index is not asked to update rows while it reads them
        boolean leaveUnmarked = o.files == 0 && !missing.isEmpty();
        if (leaveUnmarked) {
            LOG.error("Startup check: storage {} holds no file at all, but the index names {} files in it. "
                    + "Is its volume mounted? The index entries were left as they are.", storage.id(), missing.size());
        } else {
            for (Location loc : missing) {
                LOG.warn("Startup check: the file {} is missing from storage {}; its index entry is marked {}",
                        loc.storageKey(), storage.id(), MISSING);
                index.markLocation(loc.storageId(), loc.storageKey(), MISSING);
            }
        }
        for (Location loc : back) {
            index.markLocation(loc.storageId(), loc.storageKey(), OK);
        }
        return new Result(storage.id(), swept, o.reindexed, missing.size(), leaveUnmarked, back.size(), o.unreadable,
                o.duplicates);
    }

    private boolean exists(String key) {
        try {
            return storage.exists(key);
        } catch (IllegalArgumentException e) {
            return false; // a key the storage could never have made has no file
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Carries an index failure out of a storage visitor, which cannot throw checked exceptions. */
    private static final class IndexFailure extends RuntimeException {
        IndexFailure(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
