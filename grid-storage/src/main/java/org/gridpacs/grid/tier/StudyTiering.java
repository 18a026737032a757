package org.gridpacs.grid.tier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageFailures;
import org.gridpacs.archive.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves whole studies between this node's home storage and the grid (issue 14, tiering).
 *
 * <p>{@link #migrate}: every instance gets a grid copy (made here from the local copy when missing), each grid copy
 * is read back, decrypted and its size and CRC-32C compared with the index's; only when every one passed is the
 * study marked MIGRATING (durably), this node's copies removed (row and outbox news in one transaction, then the
 * file) and the other nodes asked to remove theirs; then TIERED. A grid failure before that removes nothing; a
 * crash after it is resumed at start ({@link #resume}). {@link #restore}: copies back to the home storage, recorded
 * with news; repair then places the other replicas from this node's copies. {@link #verify}: reads grid copies back.
 */
public final class StudyTiering {
    private static final Logger LOG = LoggerFactory.getLogger(StudyTiering.class);

    /** What {@link #verify} found. */
    public record VerifyResult(int checked, List<String> bad, List<String> missing) {
    }

    private final IndexDatabase db;
    private final SqlInstanceIndex index;
    private final SqlCopyCatalog catalog;
    private final Storage home;
    private final Storage grid;
    private final TierStates states;
    private final TierCluster cluster;
    private final Restaging restaging;
    private final UnnamedGridObjects unnamed;
    /** Studies with an operation running on this node: one at a time per study. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Local copies whose rows are removed in one index transaction. */
    private static final int DROP_BATCH = 256;
    /** Instances copied or checked at once ({@link TierPolicy#transfers()}). */
    private volatile int transfers = TierPolicy.OFF.transfers();

    public StudyTiering(IndexDatabase db, Storage home, Storage grid, TierCluster cluster) {
        this.db = db;
        this.index = new SqlInstanceIndex(db);
        this.catalog = new SqlCopyCatalog(db);
        this.home = home;
        this.grid = grid;
        this.states = new TierStates(db);
        this.cluster = cluster;
        this.restaging = new Restaging(db, home, grid, this);
        this.unnamed = new UnnamedGridObjects(db, grid);
    }

    /** A retrieved TIERED study copied back here for a while ({@link Restaging}). */
    Restaging restaging() {
        return restaging;
    }

    int transfers() {
        return transfers;
    }

    /** How many instances are copied or checked at once (1: one after another). */
    public StudyTiering transfers(int parallel) {
        this.transfers = Math.max(1, parallel);
        return this;
    }

    public TierStates states() {
        return states;
    }

    /** Whether the index holds the study. */
    public boolean knows(String study) throws SQLException {
        return !catalog.instances(study).isEmpty();
    }

    /** The bytes of this node's own copies of the study: what migrating it frees here. */
    public long localBytes(String study) throws SQLException {
        long bytes = 0;
        for (IndexedInstance i : catalog.instances(study)) {
            IndexedInstance.Location own = homeCopy(i);
            bytes += own == null ? 0 : own.size();
        }
        return bytes;
    }

    /** The grid storage's endpoint-free name, for messages. */
    public String gridId() {
        return grid.id();
    }

    /** Migrates one study to the grid (see the class comment). */
    public void migrate(String study, TierProgress progress) throws IOException, SQLException {
        lock(study);
        try {
            List<IndexedInstance> instances = instances(study);
            progress.total(instances.size());
            List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
            ParallelTransfers.forEach(instances, transfers, i -> {
                try {
                    ensureGridCopy(i);
                } catch (IOException | RuntimeException e) {
                    failed.add(i.sopInstanceUID() + ": " + message(e));
                    progress.error(i.sopInstanceUID() + ": " + message(e));
                }
                progress.done(1);
            });
            if (!failed.isEmpty()) {
                throw new TierException("study " + study + " not migrated, no local copy removed: " + failed.size()
                        + " of " + instances.size() + " instances have no verified copy on the grid (first: "
                        + failed.get(0) + ")");
            }
            if (states.is(study, TierStates.State.RESTAGED)) {
                restaging.unstage(study, "migrated again"); // its STAGED copies would outlive the re-staging
            }
            states.set(study, TierStates.State.MIGRATING, cluster.peers(), null);
            finishMigration(study);
        } finally {
            busy.remove(study);
        }
    }

    /** MIGRATING: removes this node's copies, then asks the pending nodes to remove theirs; TIERED when all did. */
    private void finishMigration(String study) throws IOException, SQLException {
        List<IndexedInstance> drop = new ArrayList<>();
        for (IndexedInstance i : catalog.instances(study)) {
            IndexedInstance.Location own = homeCopy(i);
            IndexedInstance.Location copy = gridCopy(i);
            if (own == null) {
                continue;
            }
            if (copy == null || !copy.checksum().equals(own.checksum())) {
                // cannot happen after the check above unless the index changed meanwhile: keep the copy
                throw new TierException("study " + study + ": the grid copy of " + i.sopInstanceUID()
                        + " is gone or differs from the local one; local copy kept");
            }
            drop.add(i);
        }
        int removed = dropOwnCopies(drop);
        List<String> pending = new ArrayList<>(states.get(study).map(TierStates.Row::pendingNodes).orElse(List.of()));
        String error = null;
        for (String peer : List.copyOf(pending)) {
            try {
                cluster.release(peer, study);
                pending.remove(peer);
            } catch (IOException | RuntimeException e) {
                error = "node " + peer + " has not removed its copies yet: " + message(e);
            }
        }
        if (pending.isEmpty()) {
            states.set(study, TierStates.State.TIERED, List.of(), null);
            LOG.info("Study {} tiered: only its grid copies are kept ({} local copies removed here)", study, removed);
        } else {
            states.set(study, TierStates.State.MIGRATING, pending, error);
            throw new TierException("study " + study + ": this node's copies removed, but " + error
                    + " (asked again by the next tier pass)");
        }
    }

    /** Called by a peer that restored {@code study}: it is no longer tiered here either. */
    public void forgetTiered(String study) throws SQLException, TierException {
        if (states.is(study, TierStates.State.TIERED)) {
            states.clear(study);
        } else if (states.is(study, TierStates.State.RESTAGED)) {
            awaitLock(study); // not under an expiry removing the copies it promotes
            try {
                promoteStaged(study);
                states.clear(study);
            } finally {
                unlock(study);
            }
        }
    }

    /** {@link #lock}, waiting a few seconds for an operation running here (an expiry) to end. */
    private void awaitLock(String study) throws TierException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!tryLock(study)) {
            if (System.nanoTime() > until) {
                throw new TierException("study " + study + " has a tier operation running on this node; its"
                        + " re-staged copies stay re-staged (the expiry removes them, repair fetches the study)");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TierException("interrupted waiting for study " + study);
            }
        }
    }

    /**
     * Makes this node's re-staged copies of {@code study} ordinary copies and announces them (the study is local
     * again): kept, not fetched anew; surplus ones the repair removes as usual. A restore elsewhere calls it.
     */
    private void promoteStaged(String study) throws SQLException {
        List<IndexedInstance> instances = catalog.instances(study);
        db.inTransaction(c -> {
            for (IndexedInstance i : instances) {
                IndexedInstance.Location staged = i.stagedOn(home.id());
                if (staged != null) {
                    index.markLocation(c, home.id(), staged.storageKey(), "OK");
                    cluster.homeCopyMade(c, i.sopInstanceUID());
                }
            }
            return null;
        }, true);
        cluster.committed();
    }

    /** Called by a peer that tiered {@code study}: removes this node's copies whose grid copy is the same object. */
    public int release(String study) throws IOException, SQLException {
        List<IndexedInstance> drop = new ArrayList<>();
        for (IndexedInstance i : catalog.instances(study)) {
            IndexedInstance.Location own = homeCopy(i);
            if (own == null) {
                continue;
            }
            IndexedInstance.Location copy = gridCopy(i);
            if (copy == null || own.checksum() == null || !own.checksum().equals(copy.checksum())) {
                throw new TierException("the grid copy of " + i.sopInstanceUID() + " is not known here yet"
                        + (copy == null ? "" : " (it differs from this node's copy)") + "; local copies kept");
            }
            drop.add(i);
        }
        int removed = dropOwnCopies(drop);
        LOG.info("Study {} tiered by another node: {} local copies removed here", study, removed);
        return removed;
    }

    /** Copies the study back from the grid to this node's home storage (the other replicas follow by repair). */
    public void restore(String study, TierProgress progress) throws IOException, SQLException {
        lock(study);
        try {
            List<IndexedInstance> instances = instances(study);
            progress.total(instances.size());
            boolean announce = states.is(study, TierStates.State.RESTAGED, TierStates.State.RESTORING);
            states.set(study, TierStates.State.RESTORING, List.of(), null);
            List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            ParallelTransfers.forEach(instances, transfers, i -> {
                try {
                    restoreOne(i, announce);
                } catch (IOException | RuntimeException e) {
                    errors.add(i.sopInstanceUID() + ": " + message(e));
                    progress.error(i.sopInstanceUID() + ": " + message(e));
                }
                progress.done(1);
            });
            int failed = errors.size();
            String first = failed == 0 ? null : errors.get(0);
            if (failed > 0) {
                states.set(study, TierStates.State.RESTORING, List.of(), first);
                throw new TierException("study " + study + ": " + failed + " of " + instances.size()
                        + " instances not restored (first: " + first + ")");
            }
            states.clear(study);
            for (String peer : cluster.peers()) {
                try {
                    cluster.restored(peer, study);
                } catch (IOException | RuntimeException e) {
                    // its row only keeps the policy from choosing the study again there; its repair fetches anyway
                    LOG.info("Could not tell node {} that study {} was restored: {}", peer, study, message(e));
                }
            }
            LOG.info("Study {} restored from the grid ({} instances)", study, instances.size());
        } finally {
            busy.remove(study);
        }
    }

    /** {@code announce}: a local copy already here is told to the other nodes (re-staged, or restored before). */
    private void restoreOne(IndexedInstance i, boolean announce) throws IOException, SQLException {
        IndexedInstance.Location staged = i.stagedOn(home.id());
        if (staged != null) {
            // a re-staged copy (Restaging) is this node's secret until now: a copy like any other from this commit
            db.inTransaction(c -> {
                index.markLocation(c, home.id(), staged.storageKey(), "OK");
                cluster.homeCopyMade(c, i.sopInstanceUID());
                return null;
            }, true);
            cluster.committed();
            return;
        }
        if (homeCopy(i) != null) {
            if (!announce) {
                return;
            }
            // a copy restored before a crash may not have been announced yet (news of a copy a node holds changes
            // nothing): announced, the study is local again
            db.inTransaction(c -> {
                cluster.homeCopyMade(c, i.sopInstanceUID());
                return null;
            }, true);
            cluster.committed();
            return;
        }
        IndexedInstance.Location copy = gridCopy(i);
        if (copy == null) {
            throw new TierException("no copy on the grid (" + grid.id() + ")");
        }
        StoredObject made = home.create(out -> {
            try (InputStream in = grid.open(copy.storageKey())) {
                in.transferTo(out);
            }
        });
        if (made.size() != copy.size() || (copy.checksum() != null && !copy.checksum().equals(made.checksum()))) {
            home.remove(made.key());
            throw new TierException("the grid copy " + copy.storageKey() + " reads back as " + made.size()
                    + " bytes, " + made.checksum() + ", not " + copy.size() + " bytes, " + copy.checksum());
        }
        db.inTransaction(c -> {
            index.addLocation(c, i.sopInstanceUID(), made);
            cluster.homeCopyMade(c, i.sopInstanceUID());
            return null;
        }, true);
        cluster.committed();
    }

    /** Reads back every grid copy of the study (null: of every study) and checks it against the index. */
    public VerifyResult verify(String study, TierProgress progress) throws IOException, SQLException {
        List<String> studies = study != null ? List.of(study) : catalog.studies();
        if (study != null) {
            instances(study); // unknown study: an error, not an empty report
        }
        java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> missing = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String s : studies) {
            List<IndexedInstance> instances = catalog.instances(s);
            progress.total(instances.size());
            boolean tiered = states.get(s).map(r -> r.state() != TierStates.State.RESTORING).orElse(false);
            ParallelTransfers.forEach(instances, transfers, i -> {
                IndexedInstance.Location copy = gridCopy(i);
                if (copy == null) {
                    if (tiered || homeCopy(i) == null && i.locations().stream().noneMatch(l -> "OK".equals(l.status()))) {
                        String text = i.sopInstanceUID() + " (study " + s + "): no grid copy";
                        missing.add(text);
                        progress.error(text);
                    }
                } else {
                    checked.incrementAndGet();
                    try {
                        check(copy);
                    } catch (NoSuchFileException e) {
                        String text = i.sopInstanceUID() + " (study " + s + "): " + message(e);
                        missing.add(text);
                        progress.error(text);
                    } catch (IOException e) {
                        if (StorageFailures.unreachable(e)) {
                            throw e; // the grid does not answer: no copy can be judged
                        }
                        // a size or checksum that differs, a ciphertext that fails its authentication tag
                        String text = i.sopInstanceUID() + " (study " + s + "): " + message(e);
                        bad.add(text);
                        progress.error(text);
                    }
                }
                progress.done(1);
            });
        }
        return new VerifyResult(checked.get(), List.copyOf(bad), List.copyOf(missing));
    }

    /**
     * Resumes what a crash or a failure left: grid objects a killed migration uploaded and had not named are
     * removed; MIGRATING studies finish their removal and ask their pending nodes again; RESTORING ones are
     * restored again. Returns the studies still unfinished.
     */
    public List<String> resume() throws SQLException {
        unnamed.settle();
        List<String> left = new ArrayList<>();
        for (TierStates.Row r : states.inState(TierStates.State.MIGRATING)) {
            if (!busy.add(r.studyInstanceUID())) {
                continue;
            }
            try {
                finishMigration(r.studyInstanceUID());
            } catch (IOException | SQLException | RuntimeException e) {
                LOG.info("Migration of study {} to the grid not finished: {}", r.studyInstanceUID(), message(e));
                left.add(r.studyInstanceUID());
            } finally {
                busy.remove(r.studyInstanceUID());
            }
        }
        for (TierStates.Row r : states.inState(TierStates.State.RESTORING)) {
            try {
                restore(r.studyInstanceUID(), TierProgress.NONE);
            } catch (IOException | SQLException | RuntimeException e) {
                LOG.info("Restore of study {} from the grid not finished: {}", r.studyInstanceUID(), message(e));
                left.add(r.studyInstanceUID());
            }
        }
        return left;
    }

    /** The grid copy exists (made here when missing) and reads back whole. */
    private void ensureGridCopy(IndexedInstance i) throws IOException, SQLException {
        IndexedInstance.Location copy = gridCopy(i);
        IndexedInstance.Location own = homeCopy(i);
        if (copy != null) {
            if (own != null && own.checksum() != null && !own.checksum().equals(copy.checksum())) {
                throw new TierException("the grid copy differs from this node's copy (" + copy.checksum() + " vs "
                        + own.checksum() + ")");
            }
            check(copy);
            return;
        }
        if (own == null) {
            throw new TierException("no copy on the grid and none on this node's storage " + home.id()
                    + ": migrate the study on a node that holds it");
        }
        StoredObject made = grid.create(out -> {
            try (InputStream in = home.open(own.storageKey())) {
                in.transferTo(out);
            }
        });
        unnamed.uploaded(made.key(), i.sopInstanceUID());
        IndexedInstance.Location recorded = new IndexedInstance.Location(grid.id(), made.key(), own.size(),
                own.checksum(), "OK");
        try {
            check(recorded);
        } catch (IOException e) {
            removeUnnamed(made.key());
            throw e;
        }
        StoredObject object = new StoredObject(grid.id(), made.key(), own.size(), own.checksum());
        boolean named = db.inTransaction(c -> {
            if (!index.addLocationUnlessHeld(c, i.sopInstanceUID(), object)) {
                return false;
            }
            unnamed.settled(c, made.key());
            cluster.gridCopyMade(c, i.sopInstanceUID());
            return true;
        }, true);
        if (named) {
            cluster.committed();
        } else {
            // the off-site copier recorded its grid copy first (read back like ours): that one is kept
            removeUnnamed(made.key());
        }
    }

    /** Removes an object this migration uploaded and did not name; its record stays if the grid refuses now. */
    private void removeUnnamed(String key) throws SQLException {
        if (removeQuietly(key)) {
            unnamed.settled(key);
        }
    }

    /**
     * Removes this node's copies of {@code instances} (each checked to have a verified grid copy): the rows and
     * their news a few hundred to a transaction, then the files. A crash between the two leaves files no row names,
     * which the start-up check finds; never a row without its file.
     */
    private int dropOwnCopies(List<IndexedInstance> instances) throws IOException, SQLException {
        int removed = 0;
        for (int from = 0; from < instances.size(); from += DROP_BATCH) {
            List<IndexedInstance> batch = instances.subList(from, Math.min(instances.size(), from + DROP_BATCH));
            db.inTransaction(c -> {
                for (IndexedInstance i : batch) {
                    catalog.removeCopy(c, home.id(), i.sopInstanceUID());
                    cluster.homeCopyDropped(c, i.sopInstanceUID(), homeCopy(i).storageKey());
                }
                return null;
            }, true);
            cluster.committed();
            for (IndexedInstance i : batch) {
                try {
                    home.remove(homeCopy(i).storageKey());
                } catch (NoSuchFileException e) {
                    // removed before a crash: the row was what remained
                }
                removed++;
            }
        }
        return removed;
    }

    /** Reads the grid object back (decrypted by the grid storage): its size and CRC-32C must be the index's. */
    private void check(IndexedInstance.Location copy) throws IOException {
        String mismatch = Checksums.readBackMismatch(grid, copy.storageKey(), copy.size(), copy.checksum());
        if (mismatch != null) {
            throw new TierException(mismatch);
        }
    }

    private List<IndexedInstance> instances(String study) throws SQLException, TierException {
        List<IndexedInstance> instances = catalog.instances(study);
        if (instances.isEmpty()) {
            throw new TierException.UnknownStudy(study);
        }
        return instances;
    }

    void lock(String study) throws TierException {
        if (!tryLock(study)) {
            throw new TierException("study " + study + " has a tier operation running on this node already");
        }
    }

    boolean tryLock(String study) {
        return busy.add(study);
    }

    void unlock(String study) {
        busy.remove(study);
    }

    private IndexedInstance.Location homeCopy(IndexedInstance i) {
        return i.locations().stream().filter(l -> l.storageId().equals(home.id()) && "OK".equals(l.status()))
                .findFirst().orElse(null);
    }

    private IndexedInstance.Location gridCopy(IndexedInstance i) {
        Optional<IndexedInstance.Location> l = i.locations().stream()
                .filter(x -> x.storageId().equals(grid.id()) && "OK".equals(x.status())).findFirst();
        return l.orElse(null);
    }

    private boolean removeQuietly(String key) {
        try {
            grid.remove(key);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.info("Could not remove the unverified grid object {}: {}", key, e.getMessage());
            return false;
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
