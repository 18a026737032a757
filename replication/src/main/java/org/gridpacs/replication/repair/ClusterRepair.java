package org.gridpacs.replication.repair;

import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.outbox.Outbox;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.gridpacs.replication.transfer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's index and copies right, in the background, on one thread: first it brings its view of each
 * live peer's copies up to date ({@link IndexSync}: bucket digests, then the studies of the buckets that differ),
 * then it checks placement: in a study whose replica set includes this node it fetches the copies it lacks; in one
 * whose replica set does not, it removes its own copies once every node of the set holds the same object.
 *
 * <p>Every {@code repairIntervalSeconds} a pass checks only the studies whose copies changed (the index marks them
 * in the transaction of the change, durably) and clears each mark once nothing is left to do in that study: its
 * cost follows the changes, not the archive. A full pass, which checks every study (page by page), runs on start
 * and when a member joins or leaves, since the replica sets move then. News of copies triggers a check of their
 * studies at once. This node's missing copies are fetched one at a time at the speed the disks and the network
 * give; removals of surplus copies are throttled ({@code repairCopiesPerSecond}).
 */
public final class ClusterRepair implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRepair.class);
    /** Studies read per page by the full pass and the check of changed studies. */
    private static final int PAGE = 500;

    private final ClusterConfig cluster;
    private final Membership membership;
    private final Placement placement;
    private final NodeCopies nodeCopies;
    private final StorageRegistry storages;
    private final CopyCatalog catalog;
    private final CopyFetcher fetcher;
    /** This node's home storage: where it makes its copies and the only one whose copies it removes. */
    private final Storage storage;
    private final Outbox outbox;
    private final Runnable outboxChanged;
    private final Throttle throttle;
    private final Scrubber scrubber;
    private final ScheduledExecutorService scrubThread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scrub");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-repair");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean fullPassQueued = new AtomicBoolean();
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private final IndexSync indexSync;
    private final Set<String> studiesQueued = new LinkedHashSet<>();
    private volatile boolean closed;
    /** Set once this node has compared its index with every live peer's (the first pass after start). */
    private volatile boolean indexSynced;
    /** Studies the grid tier is migrating here: their local copies are not re-created meanwhile. */
    private volatile java.util.function.Predicate<String> tiered = study -> false;

    public ClusterRepair(ClusterConfig cluster, Membership membership, Placement placement, NodeCopies nodeCopies,
                         CopyCatalog catalog, InstanceIndex index, PeerClient client, StoreService store,
                         Storage storage, Outbox outbox, Runnable outboxChanged) {
        this.cluster = cluster;
        this.membership = membership;
        this.placement = placement;
        this.nodeCopies = nodeCopies;
        this.storages = nodeCopies.storages();
        this.catalog = catalog;
        this.indexSync = new IndexSync(client, catalog, storages);
        this.fetcher = new CopyFetcher(client, store);
        this.storage = storage;
        this.outbox = outbox;
        this.outboxChanged = outboxChanged;
        this.throttle = new Throttle(cluster.repairCopiesPerSecond());
        this.scrubber = new Scrubber(cluster, membership, catalog, index, storage, storages, outbox, outboxChanged,
                () -> closed);
    }

    public ClusterRepair start() {
        thread.schedule(this::requestFullPass, 1, TimeUnit.SECONDS);
        int interval = cluster.repairIntervalSeconds();
        thread.scheduleWithFixedDelay(this::requestPass, interval, interval, TimeUnit.SECONDS);
        long hours = cluster.scrubIntervalHours();
        scrubThread.scheduleWithFixedDelay(this::scrub, hours, hours, TimeUnit.HOURS);
        return this;
    }

    /**
     * Reads back every copy of this node now, on the caller's thread, and replaces damaged ones (tests,
     * administration); returns {copies checked, damaged}.
     */
    public int[] scrubNow() throws InterruptedException {
        try {
            int[] counts = scrubber.run();
            if (counts[1] > 0) {
                runFullPass();
            }
            return counts;
        } catch (SQLException e) {
            LOG.warn("Scrub could not read the index: {}", e.getMessage());
            return new int[2];
        }
    }

    private void scrub() {
        try {
            scrubNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("Scrub failed: {}", e.toString(), e);
        }
    }

    /** Compare with every peer and check every study, soon (coalesced with one already queued). */
    public void requestFullPass() {
        if (!closed && fullPassQueued.compareAndSet(false, true)) {
            thread.execute(this::fullPass);
        }
    }

    /** Compare with every peer and check the studies whose copies changed, soon (coalesced). */
    public void requestPass() {
        if (!closed && passQueued.compareAndSet(false, true)) {
            thread.execute(this::pass);
        }
    }

    /** Check the placement of these studies soon (news of their copies arrived). */
    public void requestStudies(Collection<String> studies) {
        synchronized (studiesQueued) {
            boolean first = studiesQueued.isEmpty();
            studiesQueued.addAll(studies);
            if (!first || closed) {
                return;
            }
        }
        thread.execute(this::queuedStudies);
    }

    /**
     * Tells the repair which studies the grid tier is migrating or has tiered on this node: it fetches none of
     * their copies (an instance whose only copies are on shared storages, the grid, is never fetched either).
     */
    public void tieredStudies(java.util.function.Predicate<String> tiered) {
        this.tiered = tiered;
    }

    /** Whether this node has caught up with the index of the live members since it started. */
    public boolean indexSynced() {
        return indexSynced;
    }

    /** Runs a full pass now, on the caller's thread (tests, administration): every study is checked. */
    public synchronized void runFullPass() {
        fullPassQueued.set(false);
        runPass(true);
    }

    /** Runs a pass now, on the caller's thread: only the studies whose copies changed are checked. */
    public synchronized void runChangesPass() {
        passQueued.set(false);
        runPass(false);
    }

    private void runPass(boolean full) {
        long start = System.nanoTime();
        int[] counts = new int[4];
        for (ClusterNode peer : cluster.peers()) {
            if (membership.isUp(peer.name())) {
                counts[0] += syncIndexFrom(peer);
            }
        }
        if (!indexSynced) {
            indexSynced = true;
            LOG.info("Node {} has compared its index with the live members' ({} studies updated)", cluster.self(),
                    counts[0]);
        }
        try {
            if (full) {
                checkEveryStudy(counts);
            } else {
                checkChangedStudies(counts);
            }
        } catch (SQLException e) {
            LOG.warn("Repair could not read the index: {}", e.getMessage());
        }
        if (counts[0] + counts[1] + counts[2] > 0) {
            LOG.info("Repair pass: {} studies updated from peers' indexes, {} copies made, {} surplus copies removed,"
                    + " {} studies checked ({} ms)", counts[0], counts[1], counts[2], counts[3],
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Every study of the index, a page at a time (the replica sets moved: any study may have work). */
    private void checkEveryStudy(int[] counts) throws SQLException {
        String after = null;
        for (List<String> page = catalog.studies(after, PAGE); !page.isEmpty(); page = catalog.studies(after, PAGE)) {
            for (String study : page) {
                if (closed) {
                    return;
                }
                add(counts, checkPlacement(study));
            }
            after = page.get(page.size() - 1);
        }
    }

    /**
     * The studies marked as changed; a mark is cleared once the study has nothing left to do here (a copy that
     * could not be fetched, or a surplus copy not yet held by every replica, keeps it for the next pass).
     */
    private void checkChangedStudies(int[] counts) throws SQLException {
        String after = null;
        for (List<CopyCatalog.StudyChange> page = catalog.changedStudies(after, PAGE); !page.isEmpty();
             page = catalog.changedStudies(after, PAGE)) {
            for (CopyCatalog.StudyChange change : page) {
                if (closed) {
                    return;
                }
                int[] c = checkPlacement(change.studyInstanceUID());
                add(counts, c);
                if (c[2] == 0) {
                    catalog.clearChange(change);
                }
            }
            after = page.get(page.size() - 1).studyInstanceUID();
        }
    }

    private static void add(int[] counts, int[] c) {
        counts[1] += c[0];
        counts[2] += c[1];
        counts[3]++;
    }

    private void fullPass() {
        try {
            runFullPass();
        } catch (RuntimeException e) {
            LOG.warn("Repair pass failed: {}", e.toString(), e);
        }
    }

    private void pass() {
        try {
            runChangesPass();
        } catch (RuntimeException e) {
            LOG.warn("Repair pass failed: {}", e.toString(), e);
        }
    }

    private void queuedStudies() {
        List<String> studies;
        synchronized (studiesQueued) {
            studies = List.copyOf(studiesQueued);
            studiesQueued.clear();
        }
        synchronized (this) {
            for (String study : studies) {
                if (closed) {
                    return;
                }
                try {
                    checkPlacement(study);
                } catch (RuntimeException e) {
                    LOG.warn("Placement check of study {} failed: {}", study, e.toString());
                }
            }
        }
    }

    /** Brings this node's view of {@code peer}'s copies up to date; returns how many studies changed. */
    int syncIndexFrom(ClusterNode peer) {
        try {
            IndexSync.Result r = indexSync.syncFrom(peer);
            if (r.buckets() > 0) {
                LOG.debug("Index of node {}: {} buckets differed, {} studies read again", peer.name(), r.buckets(),
                        r.studies());
            }
            return r.studies();
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.info("Repair could not compare indexes with node {}: {}", peer.name(), e.getMessage());
            return 0;
        }
    }

    /**
     * Makes the copies this node should hold in {@code study} and removes the ones it should not: {made, removed,
     * left to do} (copies that could not be made or not yet removed, and 1 when the index could not be read).
     */
    int[] checkPlacement(String study) {
        int[] counts = new int[3];
        try {
            List<String> live = membership.liveNodes();
            List<String> replicas = placement.replicaSet(study, live);
            boolean mine = replicas.contains(cluster.self());
            boolean tieredHere = mine && tiered.test(study);
            for (IndexedInstance instance : catalog.instances(study)) {
                if (closed) {
                    break;
                }
                IndexedInstance.Location own = nodeCopies.copyOf(instance, cluster.self());
                if (mine && own == null) {
                    if (tieredHere || sharedOnly(instance)) {
                        continue; // a tiered study: its grid copy stands for it until a restore
                    }
                    if (instance.stagedOn(storage.id()) != null) {
                        // re-staged here (the grid tier's read cache): the node that restored the study tells this
                        // one to make that copy its own (or it goes at its expiry); a fetch now would make a second
                        counts[2]++;
                        continue;
                    }
                    boolean made = fetch(instance, live);
                    counts[made ? 0 : 2]++;
                } else if (!mine && own != null && own.storageId().equals(storage.id())) {
                    // only a copy on the home storage is removed here: that is the storage this repair writes
                    boolean dropped = heldByAll(instance, replicas, own.checksum()) && drop(instance, own);
                    counts[dropped ? 1 : 2]++;
                }
            }
        } catch (SQLException e) {
            LOG.warn("Placement check of study {} could not read the index: {}", study, e.getMessage());
            counts[2]++;
        }
        return counts;
    }

    private boolean fetch(IndexedInstance instance, List<String> live) {
        for (IndexedInstance.Location from : instance.locations()) {
            // from a live peer that serves that storage; a shared storage's copy is not fetched from (see cluster.md)
            String node = nodeCopies.servingPeer(from.storageId(), cluster.self());
            if (!"OK".equals(from.status()) || node == null || !live.contains(node)) {
                continue;
            }
            try {
                // not throttled: copies are fetched one at a time, so a returning node catches up as fast as one
                // stream from a peer's disk goes, and the peer's other threads stay free for its clients
                StoreResult copy = fetcher.fetch(instance, cluster.node(node), from);
                outbox.add(peerNames(), Outbox.Kind.COPY, instance.sopInstanceUID(), null);
                outboxChanged.run();
                LOG.debug("Made this node's copy of {} from node {} ({})", instance.sopInstanceUID(), node,
                        copy.outcome());
                return true;
            } catch (IOException | StoreException | SQLException | RuntimeException e) {
                LOG.info("Could not copy {} from node {}: {}", instance.sopInstanceUID(), node, e.getMessage());
            }
        }
        return false;
    }


    /** Its only usable copies are on shared storages (the grid): the study was tiered, no node holds it locally. */
    private boolean sharedOnly(IndexedInstance instance) {
        boolean shared = false;
        for (IndexedInstance.Location l : instance.locations()) {
            if (!"OK".equals(l.status())) {
                continue;
            }
            if (!storages.isShared(l.storageId())) {
                return false;
            }
            shared = true;
        }
        return shared;
    }

    /** Every node of the replica set holds a usable copy of the same object (a shared storage's copy is no node's). */
    private boolean heldByAll(IndexedInstance instance, List<String> replicas, String checksum) {
        for (String node : replicas) {
            IndexedInstance.Location l = nodeCopies.copyOf(instance, node);
            if (l == null || checksum == null || !checksum.equals(l.checksum())) {
                return false;
            }
        }
        return true;
    }

    private boolean drop(IndexedInstance instance, IndexedInstance.Location own) {
        try {
            throttle.acquire();
            catalog.removeCopy(own.storageId(), instance.sopInstanceUID());
            outbox.add(peerNames(), Outbox.Kind.DROP, instance.sopInstanceUID(), own.storageKey());
            outboxChanged.run();
            storage.remove(own.storageKey());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | SQLException e) {
            LOG.warn("Could not remove the surplus copy {} of {}: {}", own.storageKey(), instance.sopInstanceUID(),
                    e.getMessage());
            return false;
        }
    }

    private List<String> peerNames() {
        return cluster.peers().stream().map(ClusterNode::name).toList();
    }

    /**
     * Stops the repair and waits (a few seconds) for the step in progress, so that the index and the storage are
     * not closed under it: a surplus copy whose row was just removed would otherwise keep its file until the next
     * start's check.
     */
    @Override
    public void close() {
        closed = true; // the passes stop at their next step
        List<ScheduledExecutorService> threads = List.of(thread, scrubThread);
        threads.forEach(ScheduledExecutorService::shutdown);
        try {
            if (!stopped(threads)) {
                threads.forEach(ScheduledExecutorService::shutdownNow);
                if (!stopped(threads)) {
                    LOG.warn("The cluster repair did not stop in time; the next start's check finishes its work");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean stopped(List<ScheduledExecutorService> threads) throws InterruptedException {
        for (ScheduledExecutorService t : threads) {
            if (!t.awaitTermination(5, TimeUnit.SECONDS)) {
                return false;
            }
        }
        return true;
    }
}
