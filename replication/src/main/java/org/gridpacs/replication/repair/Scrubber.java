package org.gridpacs.replication.repair;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every copy this node holds back from its storage and checks size and checksum against the index (bit rot,
 * a truncated file, a file removed by hand). A damaged or missing copy of an instance that a live peer holds
 * intact is forgotten here and announced as dropped, and the placement check then fetches a good one; a damaged
 * copy that is the only one is marked CORRUPT (never served) and reported.
 */
final class Scrubber {
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);

    private final ClusterConfig cluster;
    private final Membership membership;
    private final CopyCatalog catalog;
    private final InstanceIndex index;
    /** This node's home storage, whose copies it scrubs. */
    private final Storage storage;
    private final StorageRegistry storages;
    private final Outbox outbox;
    private final Runnable outboxChanged;
    private final long bytesPerSecond;
    private final BooleanSupplier stopped;

    /** {@code stopped} is asked before each copy: a scrub takes hours, a shutdown must not wait for it. */
    Scrubber(ClusterConfig cluster, Membership membership, CopyCatalog catalog, InstanceIndex index, Storage storage,
             StorageRegistry storages, Outbox outbox, Runnable outboxChanged, BooleanSupplier stopped) {
        this.cluster = cluster;
        this.membership = membership;
        this.catalog = catalog;
        this.index = index;
        this.storage = storage;
        this.storages = storages;
        this.outbox = outbox;
        this.outboxChanged = outboxChanged;
        this.bytesPerSecond = cluster.scrubMegabytesPerSecond() * 1_000_000L;
        this.stopped = stopped;
    }

    /** Checks every copy of this node; returns {checked, damaged}. */
    int[] run() throws SQLException, InterruptedException {
        int[] counts = new int[2];
        long[] pace = {System.nanoTime(), 0}; // start, bytes read
        // studies a page at a time: a million study UIDs are not held in memory for a day-long read
        String after = null;
        for (List<String> page = catalog.studies(after, 500); !page.isEmpty(); page = catalog.studies(after, 500)) {
            for (String study : page) {
                if (!scrub(study, counts, pace)) {
                    return counts;
                }
            }
            after = page.get(page.size() - 1);
        }
        LOG.info("Scrub of node {}: {} copies read back, {} damaged", cluster.self(), counts[0], counts[1]);
        return counts;
    }

    /** Checks this node's copies in one study; false when the scrub is to stop. */
    private boolean scrub(String study, int[] counts, long[] pace) throws SQLException, InterruptedException {
        for (CopyCatalog.CopyRecord copy : catalog.copies(storage.id(), study)) {
            if (stopped.getAsBoolean()) {
                return false;
            }
            if (!"OK".equals(copy.location().status())) {
                continue;
            }
            String problem = check(copy.location());
            counts[0]++;
            pace[1] += copy.location().size();
            if (problem != null) {
                counts[1]++;
                damaged(copy, problem);
            }
            // keep to the configured read rate
            long due = pace[0] + pace[1] * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return true;
    }

    /**
     * Null when the copy reads back whole and right; else what is wrong. A read cut short by an interrupt (the node
     * shutting down) says nothing about the copy: it stops the scrub instead of condemning a sound copy.
     */
    private String check(IndexedInstance.Location l) throws InterruptedException {
        Checksums.Measured m;
        try (InputStream in = storage.open(l.storageKey())) {
            m = Checksums.measure(in);
        } catch (NoSuchFileException e) {
            return "the file is missing";
        } catch (ClosedByInterruptException e) {
            throw new InterruptedException("scrub interrupted");
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("scrub interrupted");
            }
            return "it cannot be read: " + e.getMessage();
        }
        if (m.size() != l.size()) {
            return m.size() + " bytes instead of " + l.size();
        }
        String actual = m.checksum();
        return l.checksum() == null || l.checksum().equals(actual) ? null
                : "checksum " + actual + " instead of " + l.checksum();
    }

    private void damaged(CopyCatalog.CopyRecord copy, String problem) throws SQLException {
        IndexedInstance.Location l = copy.location();
        boolean intactElsewhere = false;
        List<String> live = membership.liveNodes();
        for (ClusterNode peer : cluster.peers()) {
            if (live.contains(peer.name()) && catalog.copy(storages.homeOf(peer.name()), copy.sopInstanceUID())
                    .filter(c -> "OK".equals(c.location().status()) && l.checksum() != null
                            && l.checksum().equals(c.location().checksum())).isPresent()) {
                intactElsewhere = true;
                break;
            }
        }
        if (!intactElsewhere) {
            index.markLocation(storage.id(), l.storageKey(), "CORRUPT");
            LOG.error("The copy {} of {} on node {} is damaged ({}) and no other node holds it intact: it is no longer"
                    + " served; send the instance again to restore it", l.storageKey(), copy.sopInstanceUID(),
                    cluster.self(), problem);
            return;
        }
        catalog.removeCopy(storage.id(), copy.sopInstanceUID());
        outbox.add(cluster.peers().stream().map(ClusterNode::name).toList(), Outbox.Kind.DROP, copy.sopInstanceUID(),
                l.storageKey());
        outboxChanged.run();
        try {
            storage.remove(l.storageKey());
        } catch (IOException e) {
            LOG.warn("Could not remove the damaged copy {}: {}", l.storageKey(), e.getMessage());
        }
        LOG.warn("The copy {} of {} on node {} was damaged ({}); it is replaced from another node", l.storageKey(),
                copy.sopInstanceUID(), cluster.self(), problem);
    }
}
