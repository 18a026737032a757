package org.gridpacs.grid.tier;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-staging (issue 14, read-through; {@link TierPolicy#restageHours()}): a TIERED study a retrieve read is copied
 * back from the grid to this node's storage and marked RESTAGED, so that the next retrieves read it from the local
 * disk; once it has not been read for the hours set (counted from the re-staging or its last read, whichever is
 * later) {@link #expire} removes those copies again and it is TIERED. Its grid copies were read back and verified
 * when it was tiered: nothing is uploaded, and a local copy is removed only while the index names a grid copy with
 * the same checksum.
 *
 * <p>The copies' location rows have the status {@link IndexedInstance.Location#STAGED}: this node's retrieves read
 * them, but they are in no digest and no list of copies sent to a peer, so in a cluster no other node hears of them
 * and no repair counts or fetches them (the study stays grid-only everywhere; the other nodes serve it from the grid).
 * A restore ({@link StudyTiering#restore}) turns them OK and announces them: the study is local again.
 */
final class Restaging {
    private static final Logger LOG = LoggerFactory.getLogger(Restaging.class);

    private final IndexDatabase db;
    private final SqlInstanceIndex index;
    private final SqlCopyCatalog catalog;
    private final Storage home;
    private final Storage grid;
    private final StudyTiering tiering;

    Restaging(IndexDatabase db, Storage home, Storage grid, StudyTiering tiering) {
        this.db = db;
        this.index = new SqlInstanceIndex(db);
        this.catalog = new SqlCopyCatalog(db);
        this.home = home;
        this.grid = grid;
        this.tiering = tiering;
    }

    /**
     * Whether the study is grid-only as this node's index knows it: no tier operation of this node on it, and every
     * instance's only usable copies on the grid (in a cluster the node that migrated it has it TIERED, the others no
     * row at all).
     */
    boolean gridOnly(String study) throws SQLException {
        return gridOnly(tiering.states(), catalog.instances(study));
    }

    private boolean gridOnly(TierStates states, List<IndexedInstance> instances) throws SQLException {
        if (instances.isEmpty() || states.get(instances.get(0).studyInstanceUID())
                .map(r -> r.state() != TierStates.State.TIERED).orElse(false)) {
            return false;
        }
        for (IndexedInstance i : instances) {
            List<String> held = i.locations().stream().filter(l -> "OK".equals(l.status()))
                    .map(IndexedInstance.Location::storageId).distinct().toList();
            if (!held.equals(List.of(grid.id()))) {
                return false;
            }
        }
        return true;
    }

    /** Copies the study back when it is grid-only; returns the instances copied, -1 when it is not grid-only. */
    int restage(String study, TierProgress progress) throws IOException, SQLException {
        tiering.lock(study);
        try {
            TierStates states = tiering.states();
            List<IndexedInstance> instances = catalog.instances(study);
            if (!gridOnly(states, instances)) {
                return -1;
            }
            progress.total(instances.size());
            // marked first: a crash midway leaves copies that expire removes, never unmarked copies of a tiered study
            states.set(study, TierStates.State.RESTAGED, List.of(), null);
            AtomicInteger copied = new AtomicInteger();
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            ParallelTransfers.forEach(instances, tiering.transfers(), i -> {
                try {
                    if (copyBack(i)) {
                        copied.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    errors.add(i.sopInstanceUID() + ": " + e.getMessage());
                    progress.error(i.sopInstanceUID() + ": " + e.getMessage());
                }
                progress.done(1);
            });
            if (!errors.isEmpty()) {
                states.set(study, TierStates.State.RESTAGED, List.of(), errors.get(0));
                throw new TierException("study " + study + ": " + errors.size() + " of " + instances.size()
                        + " instances not re-staged (first: " + errors.get(0) + "); the grid copies serve them");
            }
            return copied.get();
        } finally {
            tiering.unlock(study);
        }
    }

    private boolean copyBack(IndexedInstance i) throws IOException, SQLException {
        if (copy(i, home) != null || i.stagedOn(home.id()) != null) {
            return false;
        }
        IndexedInstance.Location source = copy(i, grid);
        if (source == null) {
            throw new TierException("no copy on the grid (" + grid.id() + ")");
        }
        StoredObject made = home.create(out -> {
            try (InputStream in = grid.open(source.storageKey())) {
                in.transferTo(out);
            }
        });
        if (made.size() != source.size() || (source.checksum() != null && !source.checksum().equals(made.checksum()))) {
            home.remove(made.key());
            throw new TierException("the grid copy " + source.storageKey() + " reads back as " + made.size()
                    + " bytes, " + made.checksum() + ", not " + source.size() + " bytes, " + source.checksum());
        }
        // recorded STAGED in the transaction that adds it: a peer comparing digests never sees it counted
        db.inTransaction(c -> {
            index.addLocation(c, i.sopInstanceUID(), made);
            index.markLocation(c, home.id(), made.key(), IndexedInstance.Location.STAGED);
            return null;
        }, true);
        return true;
    }

    /**
     * Removes the copies of the RESTAGED studies not read for {@code keep} since their re-staging or last read
     * (0: all of them, as when the setting was turned off); returns how many studies are TIERED again.
     */
    int expire(Duration keep) throws SQLException {
        TierStates states = tiering.states();
        int done = 0;
        for (TierStates.Row r : states.inState(TierStates.State.RESTAGED)) {
            String study = r.studyInstanceUID();
            Instant last = states.lastRead(study).filter(t -> t.isAfter(r.changed())).orElse(r.changed());
            if (last.plus(keep).isAfter(Instant.now()) || !tiering.tryLock(study)) {
                continue; // read lately (extended), or a restore or re-staging running
            }
            try {
                unstage(study, "not read for " + keep.toHours() + " hours");
                done++;
            } catch (IOException | SQLException | RuntimeException e) {
                LOG.info("Re-staged copies of study {} not removed: {}", study, e.getMessage());
                states.set(study, TierStates.State.RESTAGED, List.of(), e.getMessage());
            } finally {
                tiering.unlock(study);
            }
        }
        return done;
    }

    /**
     * Removes the study's re-staged copies (no news: no other node heard of them) and makes it TIERED; the caller
     * holds the study's lock. {@code why}: for the log.
     */
    void unstage(String study, String why) throws IOException, SQLException {
        List<IndexedInstance.Location> drop = new ArrayList<>();
        for (IndexedInstance i : catalog.instances(study)) {
            IndexedInstance.Location own = i.stagedOn(home.id());
            if (own == null) {
                continue; // only what re-staging made goes; a copy stored here since (OK) is the node's own
            }
            IndexedInstance.Location held = copy(i, grid);
            if (held == null || own.checksum() == null || !own.checksum().equals(held.checksum())) {
                throw new TierException("the index names no grid copy of " + i.sopInstanceUID()
                        + " equal to the local one; re-staged copies kept");
            }
            drop.add(own);
        }
        db.inTransaction(c -> {
            for (IndexedInstance.Location l : drop) {
                index.removeLocation(c, l.storageId(), l.storageKey()); // no news: no other node heard of it
            }
            return null;
        }, true);
        long bytes = 0;
        for (IndexedInstance.Location l : drop) {
            try {
                home.remove(l.storageKey());
            } catch (NoSuchFileException e) {
                // removed before a crash: the row was what remained
            }
            bytes += l.size();
        }
        tiering.states().set(study, TierStates.State.TIERED, List.of(), null);
        LOG.info("Study {} {}: its {} re-staged local copies ({} MB) removed; retrieves read it from the grid again",
                study, why, drop.size(), String.format("%.1f", bytes / 1e6));
    }


    private static IndexedInstance.Location copy(IndexedInstance i, Storage storage) {
        return i.locations().stream().filter(l -> l.storageId().equals(storage.id()) && "OK".equals(l.status()))
                .findFirst().orElse(null);
    }
}
