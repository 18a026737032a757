package org.gridpacs.grid.offsite;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.worker.QueueWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the {@link OffsiteQueue} of one target storage on its own thread, one instance at a time: reads the
 * instance's local copy, creates the object on the target, reads it back and checks its size and CRC-32C against
 * the local copy's, then records the location row, drops the queue entry and queues the news for the other nodes
 * in one transaction. A failure (the target unreachable, say) leaves the entry, tried again after a {@link Backoff};
 * stores go on meanwhile. After a crash, an object an attempt created but did not record (its key kept in the
 * entry) is verified and recorded if whole, else removed. Other operations on the target (tiering, restore) can
 * queue their own work beside this one: the queue is keyed by target.
 */
public final class OffsiteCopier implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(OffsiteCopier.class);
    private static final int BATCH = 100;

    /** What {@code pacs grid status} shows of this copier. */
    public record Stats(long copied, long failures, String lastError, long backlog, Instant oldestQueued) {
    }

    private final OffsiteQueue queue;
    private final IndexDatabase db;
    private final SqlInstanceIndex index;
    private final Map<String, Storage> sources;
    private final Storage target;
    private final CopyNews news;
    private final Backoff backoff;
    private final QueueWorker worker;
    private final AtomicLong copied = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private boolean failing;
    /** Failures in a row: the whole copier waits with backoff too, not only the entry (the target may be down). */
    private int inARow;

    /**
     * @param sources the storages this node reads its own copies from, by id (its home storage first)
     * @param target  the shared storage copies go to (its id names their location rows)
     */
    public OffsiteCopier(OffsiteQueue queue, IndexDatabase db, SqlInstanceIndex index, Map<String, Storage> sources,
                         Storage target, CopyNews news, Backoff backoff) {
        this.queue = queue;
        this.db = db;
        this.index = index;
        this.sources = Map.copyOf(sources);
        this.target = target;
        this.news = news;
        this.backoff = backoff;
        this.worker = new QueueWorker("offsite-" + target.id(), "Off-site copies to " + target.id(), this::pass);
    }

    public OffsiteCopier start() {
        worker.start();
        return this;
    }

    /** Something was queued: look now. */
    public void wake() {
        worker.wake();
    }

    public String target() {
        return target.id();
    }

    public Stats stats() throws SQLException {
        OffsiteQueue.Backlog b = queue.backlog(target.id());
        String error = lastError.get();
        return new Stats(copied.get(), failures.get(), error != null ? error : b.lastError(), b.entries(), b.oldest());
    }

    /** A batch of due entries; after a failure the whole copier waits its backoff, else until the next is due. */
    private long pass() throws SQLException {
        List<OffsiteQueue.Entry> due = queue.due(target.id(), BATCH);
        for (OffsiteQueue.Entry e : due) {
            if (worker.stopping()) {
                return 0;
            }
            if (!copyOne(e)) {
                inARow++;
                return backoff.after(inARow).toMillis();
            }
            inARow = 0;
        }
        return due.isEmpty() ? QueueWorker.untilDue(queue.nextDue(target.id())) : 0;
    }

    /** One entry: done (true), or failed and put back with its backoff (false). */
    boolean copyOne(OffsiteQueue.Entry e) throws SQLException {
        try {
            Optional<IndexedInstance> found = index.find(e.sopInstanceUID());
            if (found.isEmpty() || hasCopy(found.get())) {
                // the instance is gone, or its copy was made (by another node, or before a crash): nothing owed
                removeOrphan(e, found.orElse(null));
                queue.remove(e);
                return true;
            }
            IndexedInstance instance = found.get();
            IndexedInstance.Location source = instance.locations().stream()
                    .filter(l -> "OK".equals(l.status()) && sources.containsKey(l.storageId())).findFirst()
                    .orElseThrow(() -> new NoSuchFileException("no usable copy of " + e.sopInstanceUID()
                            + " on this node's storages " + sources.keySet()));
            StoredObject made = e.objectKey() != null ? reuse(e, source) : null;
            if (made == null) {
                Storage from = sources.get(source.storageId());
                made = target.create(out -> {
                    try (InputStream in = from.open(source.storageKey())) {
                        in.transferTo(out);
                    }
                });
                queue.objectCreated(e, made.key());
                verify(made.key(), source);
            }
            StoredObject copy = new StoredObject(target.id(), made.key(), source.size(), source.checksum());
            boolean recorded = db.inTransaction(c -> {
                queue.remove(c, e);
                if (!index.addLocationUnlessHeld(c, e.sopInstanceUID(), copy)) {
                    return false;
                }
                news.queue(c, e.sopInstanceUID(), target.id());
                return true;
            }, true);
            if (recorded) {
                news.committed();
                copied.incrementAndGet();
            } else {
                // a migration recorded its grid copy of the instance first, or the instance is gone: ours is unnamed
                removeQuietly(made.key());
            }
            if (failing) {
                LOG.info("Off-site copies to {} go through again", target.id());
                failing = false;
            }
            lastError.set(null);
            return true;
        } catch (IOException | RuntimeException ex) {
            failures.incrementAndGet();
            String text = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            lastError.set(text);
            if (!failing) {
                LOG.warn("Off-site copy of {} to {} failed ({}); retrying with backoff, stores go on",
                        e.sopInstanceUID(), target.id(), text);
                failing = true;
            } else {
                LOG.debug("Off-site copy of {} to {} failed again: {}", e.sopInstanceUID(), target.id(), text);
            }
            queue.failed(e, text, Instant.now().plus(backoff.after(e.attempts() + 1)), false);
            return false;
        }
    }

    private boolean hasCopy(IndexedInstance instance) {
        return instance.locations().stream()
                .anyMatch(l -> l.storageId().equals(target.id()) && "OK".equals(l.status()));
    }

    /** The object a crashed attempt created: kept when it is whole (and not the recorded copy), else removed. */
    private StoredObject reuse(OffsiteQueue.Entry e, IndexedInstance.Location source) {
        try {
            verify(e.objectKey(), source);
            LOG.info("Off-site copy of {}: the object {} an earlier attempt made is whole; recorded", e.sopInstanceUID(),
                    e.objectKey());
            return new StoredObject(target.id(), e.objectKey(), source.size(), source.checksum());
        } catch (IOException | RuntimeException ex) {
            removeQuietly(e.objectKey());
            return null;
        }
    }

    /** A crashed attempt's object that is not the recorded copy is removed. */
    private void removeOrphan(OffsiteQueue.Entry e, IndexedInstance instance) {
        if (e.objectKey() == null) {
            return;
        }
        boolean recorded = instance != null && instance.locations().stream()
                .anyMatch(l -> l.storageId().equals(target.id()) && l.storageKey().equals(e.objectKey()));
        if (!recorded) {
            removeQuietly(e.objectKey());
        }
    }

    private void removeQuietly(String key) {
        try {
            target.remove(key);
        } catch (IOException | RuntimeException ex) {
            LOG.info("Could not remove the unrecorded object {} of {}: {}", key, target.id(), ex.getMessage());
        }
    }

    /** Reads the object back: its size and CRC-32C must be the local copy's. */
    private void verify(String key, IndexedInstance.Location source) throws IOException {
        String mismatch = Checksums.readBackMismatch(target, key, source.size(), source.checksum());
        if (mismatch != null) {
            removeQuietly(key);
            throw new IOException(mismatch);
        }
    }

    @Override
    public void close() {
        worker.close();
    }
}
