package org.gridpacs.dose.jobs;

import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dose jobs of a cluster: every node keeps a row of every job, and a dead owner's open jobs are taken over.
 * <ul>
 * <li><b>Rows to peers.</b> On each change of state or owner here (not on progress), the job's row goes to every
 * live peer, best effort, in order, on one thread; a peer merges it by {@link JobMerge}. A member that joins gets
 * this node's own rows; a node that starts pulls every peer's rows before it runs anything ({@link #catchUp}).</li>
 * <li><b>Takeover.</b> A node that owns open jobs and has been out of the membership for {@code takeover} loses
 * them to the {@link Successor} (the first live node in configuration order), which queues them again under its
 * name, one owner epoch more, tells the peers, and runs them. The rerun stores the same UIDs and bytes (DerivedIds).
 * </li>
 * </ul>
 */
final class JobCluster implements Peers.Listener, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(JobCluster.class);
    /** The most finished jobs sent in a catch-up (every open one is sent). */
    static final int CATCH_UP_LIMIT = 500;
    private static final int JOIN_ATTEMPTS = 5;

    private final JobStore store;
    private final Peers peers;
    private final JobPeers transport;
    private final Duration takeover;
    private final Listener local;
    /** When each owner of open jobs was first seen out of the membership. */
    private final Map<String, Long> absentSince = new ConcurrentHashMap<>();
    /** One thread: rows go out in the order they changed; the takeover check runs here too. */
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dose-jobs-cluster");
        t.setDaemon(true);
        return t;
    });

    /** What the job service does about rows that changed under it. */
    interface Listener {
        /** A peer's row replaced this node's: {@code before} was this node's row (null: none). */
        void merged(JobRecord before, JobRecord now);

        /** Jobs became this node's by a takeover. */
        void adopted(List<String> ids);
    }

    JobCluster(JobStore store, Peers peers, JobPeers transport, Duration takeover, Listener local) {
        this.store = store;
        this.peers = peers;
        this.transport = transport;
        this.takeover = takeover;
        this.local = local;
    }

    /**
     * At start, before the runner: merges every live peer's rows (so a job another node adopted while this one was
     * down is not run here again). @return how many peers answered
     */
    int catchUp() {
        int answered = 0;
        for (String peer : others()) {
            try {
                List<JobRecord> rows = transport.rows(peer);
                int taken = 0;
                for (JobRecord r : rows) {
                    if (merge(r)) {
                        taken++;
                    }
                }
                answered++;
                LOG.info("Dose jobs: {} of {} rows from {} were newer than this node's", taken, rows.size(), peer);
            } catch (IOException | SQLException e) {
                LOG.warn("Dose jobs: no rows from {} at start: {}", peer, e.getMessage());
            }
        }
        return answered;
    }

    /**
     * Starts sending rows and watching for dead owners; the live peers get this node's rows now (changes made while
     * it was stopping, which could not be sent, reach them so).
     */
    void start() {
        store.onChange(this::changed);
        peers.addListener(this);
        for (String peer : others()) {
            thread.execute(() -> sendOwnRows(peer, JOIN_ATTEMPTS));
        }
        long period = Math.max(100, takeover.toMillis() / 4);
        thread.scheduleWithFixedDelay(this::checkOwners, period, period, TimeUnit.MILLISECONDS);
    }

    /** A peer's row: merged into this node's table; the service hears of what it replaced. */
    boolean merge(JobRecord theirs) throws SQLException {
        JobStore.Merged m = store.merge(theirs);
        if (m.taken()) {
            local.merged(m.before(), theirs);
        }
        return m.taken();
    }

    /** Ids whose row is queued to be sent: a burst of changes (progress, detail) sends the latest row once. */
    private final java.util.Set<String> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void changed(String id) {
        if (!pending.add(id)) {
            return;
        }
        thread.execute(() -> {
            pending.remove(id);
            try {
                Optional<JobRecord> row = store.get(id);
                if (row.isPresent()) {
                    others().forEach(peer -> send(peer, row.get()));
                }
            } catch (SQLException e) {
                LOG.warn("Dose job {}: its row could not be read to send to the peers: {}", id, e.toString());
            }
        });
    }

    private boolean send(String peer, JobRecord row) {
        try {
            transport.send(peer, row);
            return true;
        } catch (IOException e) {
            // the peer catches up when it starts or joins again
            LOG.debug("Dose job {} ({}) not sent to {}: {}", row.id(), row.state(), peer, e.getMessage());
            return false;
        }
    }

    @Override
    public void joined(String node) {
        absentSince.remove(node);
        if (!node.equals(peers.self())) {
            thread.execute(() -> sendOwnRows(node, 1));
        }
    }

    /** This node's rows to a member that joined; again a little later while its HTTP service is not up yet. */
    private void sendOwnRows(String node, int attempt) {
        if (!peers.liveNodes().contains(node)) {
            return;
        }
        try {
            for (JobRecord r : store.forPeers(CATCH_UP_LIMIT)) {
                if (r.owner().equals(peers.self()) && !send(node, r)) {
                    if (attempt < JOIN_ATTEMPTS) {
                        thread.schedule(() -> sendOwnRows(node, attempt + 1), 2L * attempt, TimeUnit.SECONDS);
                    }
                    return;
                }
            }
        } catch (SQLException e) {
            LOG.warn("Dose jobs: could not read the rows to send to {}: {}", node, e.toString());
        }
    }

    @Override
    public void left(String node) {
        absentSince.putIfAbsent(node, System.nanoTime());
    }

    /** Takes over the open jobs of owners gone longer than the grace period, when this node is their successor. */
    void checkOwners() {
        try {
            List<String> live = peers.liveNodes();
            long now = System.nanoTime();
            for (String owner : store.openOwnersOtherThanSelf()) {
                if (live.contains(owner)) {
                    absentSince.remove(owner);
                    continue;
                }
                long since = absentSince.computeIfAbsent(owner, k -> now);
                if (now - since < takeover.toNanos()
                        || !Successor.of(live, owner).map(peers.self()::equals).orElse(false)) {
                    continue;
                }
                List<String> ids = store.adopt(owner, "taken over from " + owner + ", which left the cluster");
                if (!ids.isEmpty()) {
                    LOG.warn("Dose jobs: {} left the cluster {} s ago; this node took over its {} open job(s): {}",
                            owner, takeover.toSeconds(), ids.size(), ids);
                    local.adopted(ids);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Dose jobs: the takeover check failed: {}", e.toString());
        }
    }

    private List<String> others() {
        return peers.liveNodes().stream().filter(n -> !n.equals(peers.self())).toList();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
