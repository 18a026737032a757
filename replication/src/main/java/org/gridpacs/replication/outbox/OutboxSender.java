package org.gridpacs.replication.outbox;

import java.io.Closeable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.transfer.Announcement;
import org.gridpacs.replication.transfer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to one peer, in order, in batches, on its own thread: while the peer is down it waits; when
 * delivery fails it backs off and tries again. News of a copy is read from the index at delivery time, so a copy
 * removed meanwhile is not announced.
 */
public final class OutboxSender implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    private static final int BATCH = 500;

    /** The storage this node speaks for: its home storage (by default its own name). */
    private final String ownStorage;
    private final ClusterNode peer;
    private final Outbox outbox;
    private final CopyCatalog catalog;
    private final PeerClient client;
    private final Membership membership;
    private final Thread thread;
    private final Object signal = new Object();
    private volatile boolean running = true;
    private boolean pending = true;
    /** Batches delivered so far. */
    private long batches;

    public OutboxSender(String ownStorage, ClusterNode peer, Outbox outbox, CopyCatalog catalog, PeerClient client,
                        Membership membership) {
        this.ownStorage = ownStorage;
        this.peer = peer;
        this.outbox = outbox;
        this.catalog = catalog;
        this.client = client;
        this.membership = membership;
        this.thread = new Thread(this::run, "outbox-" + peer.name());
        this.thread.setDaemon(true);
    }

    /** The peer's name. */
    public String peer() {
        return peer.name();
    }

    public OutboxSender start() {
        thread.start();
        return this;
    }

    /** Something was added, or the peer came back: look again now. */
    public void wake() {
        synchronized (signal) {
            pending = true;
            signal.notifyAll();
        }
    }

    private void run() {
        long backoff = 500;
        boolean failing = false;
        while (running) {
            try {
                if (!membership.isUp(peer.name())) {
                    await(2000);
                    continue;
                }
                List<Outbox.Task> tasks = outbox.next(peer.name(), BATCH);
                if (tasks.isEmpty()) {
                    await(5000);
                    continue;
                }
                client.announce(peer, announcements(tasks));
                outbox.done(tasks);
                synchronized (signal) {
                    batches++;
                    signal.notifyAll();
                }
                if (failing) {
                    LOG.info("Index news reach node {} again", peer.name());
                    failing = false;
                }
                backoff = 500;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                if (!failing) {
                    LOG.warn("Could not tell node {} about this node's copies ({}); retrying", peer.name(), e.getMessage());
                    failing = true;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    private List<Announcement> announcements(List<Outbox.Task> tasks) throws SQLException {
        List<Announcement> out = new ArrayList<>(tasks.size());
        for (Outbox.Task t : tasks) {
            // a shared storage's copy this node made is named in its entry; the rest are the home storage's
            String storage = t.storageId() != null ? t.storageId() : ownStorage;
            if (t.kind() == Outbox.Kind.DROP) {
                out.add(Announcement.drop(t.sopInstanceUID(), storage, t.storageKey()));
            } else {
                Optional<CopyCatalog.CopyRecord> copy = catalog.copy(storage, t.sopInstanceUID());
                // a re-staged copy (STAGED, the grid tier's read cache) is never news, whatever queued the entry
                copy.filter(r -> !IndexedInstance.Location.STAGED.equals(r.location().status()))
                        .ifPresent(r -> out.add(Announcement.copy(r)));
            }
        }
        return out;
    }

    /**
     * Delivers every entry owed to the peer now (those committed before this call) and returns once they have all
     * gone, at most {@code millis}; false when some are still owed then. Entries committed later are not waited for.
     */
    public boolean awaitFlushed(long millis) throws InterruptedException {
        Long upTo;
        try {
            upTo = outbox.lastQueued(peer.name());
        } catch (SQLException e) {
            return false;
        }
        if (upTo == null) {
            return true;
        }
        long seen;
        synchronized (signal) {
            seen = batches;
        }
        wake();
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            try {
                // a store may commit its entry after a later-numbered one has gone: look at what is still owed
                Long first = outbox.firstQueued(peer.name());
                if (first == null || first > upTo) {
                    return true;
                }
            } catch (SQLException e) {
                return false;
            }
            synchronized (signal) {
                while (batches == seen) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0 || !running) {
                        return false;
                    }
                    signal.wait(left);
                }
                seen = batches;
            }
        }
    }

    private void await(long millis) throws InterruptedException {
        synchronized (signal) {
            if (!pending) {
                signal.wait(millis);
            }
            pending = false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
