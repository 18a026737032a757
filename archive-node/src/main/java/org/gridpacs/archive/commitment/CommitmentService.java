package org.gridpacs.archive.commitment;

import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Storage Commitment Push Model SCP's work (PS3.4 Annex J), apart from DIMSE: a request is recorded durably
 * (and handed to the live peers) before it is acknowledged; then, on one thread, each pending request this node
 * answers is checked until all its instances are committed or the wait is over, and reported to its requester,
 * again and again with a growing pause while the requester cannot be reached. A request is done only once the
 * requester confirmed the report; a node that starts resumes what it had pending.
 */
public final class CommitmentService implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitmentService.class);
    /** How often a request whose instances are not all committed yet is checked again. */
    private static final long RECHECK_MILLIS = 1000;
    private static final long FIRST_RETRY_MILLIS = 2000;
    private static final long MAX_RETRY_MILLIS = 300_000;
    /** How long an answered request is remembered (so that no node answers it a second time). */
    private static final long TOMBSTONE_MILLIS = Duration.ofDays(7).toMillis();

    private final CommitmentRequests requests;
    private final CommitmentCheck check;
    private final CommitmentReporter reporter;
    private final CommitmentPeers peers;
    private final long waitMillis;
    private final ScheduledExecutorService worker;
    /** Per Transaction UID: when to look at it next, and the pause after the next failed delivery (worker thread only). */
    private final Map<String, long[]> schedule = new HashMap<>();
    /** The pending requests as read from the index (worker thread only). */
    private final Map<String, CommitmentRequest> loaded = new HashMap<>();
    private long lastPurge;
    /**
     * Requests accepted here whose N-ACTION-RSP may not be out yet (the report must not overtake it), and since
     * when; one whose response never went (the association broke) is answered after {@link #UNACKNOWLEDGED_MILLIS}.
     */
    private final Map<String, Long> unacknowledged = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long UNACKNOWLEDGED_MILLIS = 10_000;
    /** Requests pending from before this start: another node may have answered them while this one was down. */
    private final java.util.Set<String> resumed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Requests asked again (same Transaction UID, same instances) while pending: each N-ACTION gets its report, so
     * once the pending one is answered the repeat is recorded anew and answered too (a repeat sent the moment the
     * first report went out would otherwise find the request still pending and never be answered).
     */
    private final Map<String, CommitmentRequest> askedAgain = new java.util.concurrent.ConcurrentHashMap<>();

    /** @param wait how long instances not committed yet are rechecked before they are reported failed */
    public CommitmentService(CommitmentRequests requests, CommitmentCheck check, CommitmentReporter reporter,
                             CommitmentPeers peers, Duration wait) {
        this.requests = requests;
        this.check = check;
        this.reporter = reporter;
        this.peers = peers;
        this.waitMillis = wait.toMillis();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-commitment");
            t.setDaemon(true);
            return t;
        });
    }

    /** Resumes the pending requests and starts answering. */
    public CommitmentService start() {
        try {
            List<CommitmentRequest> pending = requests.pending();
            pending.forEach(r -> resumed.add(r.transactionUID()));
            if (!pending.isEmpty()) {
                LOG.info("Storage commitment: {} request(s) pending from before the start, resuming", pending.size());
            }
        } catch (SQLException e) {
            LOG.error("Storage commitment: cannot read the pending requests: {}", e.getMessage());
        }
        worker.scheduleWithFixedDelay(this::tick, 0, 500, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Records a request received from its requester (before the N-ACTION-RSP) and hands it to the live peers.
     * CONFLICT: another pending request has its Transaction UID (the caller refuses this one).
     */
    public CommitmentRequests.Added accept(CommitmentRequest request) throws SQLException {
        unacknowledged.put(request.transactionUID(), System.currentTimeMillis());
        CommitmentRequests.Added added = requests.add(request);
        if (added == CommitmentRequests.Added.CONFLICT) {
            unacknowledged.remove(request.transactionUID());
        }
        if (added == CommitmentRequests.Added.SAME) {
            askedAgain.put(request.transactionUID(), request);
        }
        if (added == CommitmentRequests.Added.NEW) {
            LOG.info("Storage commitment request {} from {}: {} instance(s)", request.transactionUID(),
                    request.requesterAE(), request.instances().size());
            for (String peer : peers.liveNodes()) {
                if (!peer.equals(peers.self())) {
                    try {
                        peers.offer(peer, request);
                    } catch (IOException e) {
                        LOG.warn("Storage commitment request {} not handed to node {}: {}", request.transactionUID(),
                                peer, e.getMessage());
                    }
                }
            }
        }
        return added;
    }

    /** The N-ACTION-RSP of a request is out: its report may follow now. */
    public void acknowledged(String transactionUID) {
        unacknowledged.remove(transactionUID);
        try {
            worker.execute(this::tick);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the request is pending in the index, the next start answers it
        }
    }

    /** A peer hands over a request it received: kept until that peer (or this node, if it dies) answers it. */
    public void offeredByPeer(CommitmentRequest request) throws SQLException {
        if (requests.isDone(request.transactionUID())) {
            return; // answered already (the offer came late)
        }
        if (requests.add(request) == CommitmentRequests.Added.CONFLICT) {
            LOG.warn("Storage commitment request {} from node {} conflicts with the pending one of that Transaction UID;"
                    + " keeping ours", request.transactionUID(), request.receivedBy());
        }
    }

    /** A peer answered a request: this node drops its copy (and remembers it was answered). */
    public void doneByPeer(String transactionUID, String node) throws SQLException {
        requests.recordDone(transactionUID, "", "", node);
    }

    public boolean isDone(String transactionUID) throws SQLException {
        return requests.isDone(transactionUID);
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            if (now - lastPurge > Duration.ofHours(1).toMillis()) {
                lastPurge = now;
                requests.purgeDone(now - TOMBSTONE_MILLIS);
            }
            List<String> live = peers.liveNodes();
            List<CommitmentRequest> pending = pending();
            for (CommitmentRequest r : pending) {
                // kept from before this start: answered meanwhile by another node (or its word to drop it missed)?
                if (resumed.remove(r.transactionUID()) && answeredElsewhere(r, live)) {
                    continue;
                }
                if (peers.self().equals(AnsweringNode.of(r, live))) {
                    process(r, now, live);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.error("Storage commitment: pass over the pending requests failed: {}", e.toString());
        }
    }

    /**
     * The pending requests, read whole only when new to this pass (a request never changes; one answered and asked
     * again under its Transaction UID has another receipt time).
     */
    private List<CommitmentRequest> pending() throws SQLException {
        Map<String, Long> keys = requests.pendingKeys();
        loaded.entrySet().removeIf(e -> !Long.valueOf(e.getValue().receivedAt()).equals(keys.get(e.getKey())));
        schedule.keySet().retainAll(keys.keySet());
        List<CommitmentRequest> out = new java.util.ArrayList<>(keys.size());
        for (String uid : keys.keySet()) {
            CommitmentRequest r = loaded.get(uid);
            if (r == null) {
                r = requests.find(uid).orElse(null);
                if (r == null) {
                    continue; // answered meanwhile
                }
                loaded.put(uid, r);
            }
            out.add(r);
        }
        return out;
    }

    private void process(CommitmentRequest r, long now, List<String> live) throws SQLException {
        long[] s = schedule.computeIfAbsent(r.transactionUID(), k -> new long[] {0, FIRST_RETRY_MILLIS});
        Long accepted = unacknowledged.get(r.transactionUID());
        if (now < s[0] || accepted != null && now - accepted < UNACKNOWLEDGED_MILLIS) {
            return;
        }
        unacknowledged.remove(r.transactionUID());
        if (!r.receivedBy().equals(peers.self()) && answeredElsewhere(r, live)) {
            return;
        }
        CommitmentResult result = check.check(r);
        if (!result.failed().isEmpty() && now < r.receivedAt() + waitMillis) {
            s[0] = now + RECHECK_MILLIS;
            return;
        }
        try {
            reporter.report(r, result);
        } catch (CommitmentReporter.NoAddressException e) {
            s[0] = now + MAX_RETRY_MILLIS;
            LOG.warn("Storage commitment {} for {} stays pending: {}", r.transactionUID(), r.requesterAE(), e.getMessage());
            return;
        } catch (IOException e) {
            s[0] = now + s[1];
            LOG.warn("Storage commitment {}: cannot report to {} ({}); trying again in {} s", r.transactionUID(),
                    r.requesterAE(), e.getMessage(), s[1] / 1000);
            s[1] = Math.min(MAX_RETRY_MILLIS, s[1] * 2);
            return;
        }
        requests.markDone(r.transactionUID());
        schedule.remove(r.transactionUID());
        CommitmentRequest again = askedAgain.remove(r.transactionUID());
        if (again != null) {
            requests.add(again); // answered: the Transaction UID is free, the repeat is a new request
        }
        LOG.info("Storage commitment {} reported to {}: {} committed, {} failed{}", r.transactionUID(),
                r.requesterAE(), result.committed().size(), result.failed().size(),
                r.receivedBy().equals(peers.self()) ? "" : " (taken over from node " + r.receivedBy() + ")");
        for (String peer : live) {
            if (!peer.equals(peers.self())) {
                try {
                    peers.done(peer, r.transactionUID());
                } catch (IOException e) {
                    LOG.debug("Node {} not told that {} is answered: {}", peer, r.transactionUID(), e.getMessage());
                }
            }
        }
    }

    /** Before taking over: whether a live peer knows the request as answered (we missed its word). */
    private boolean answeredElsewhere(CommitmentRequest r, List<String> live) throws SQLException {
        for (String peer : live) {
            if (!peer.equals(peers.self())) {
                try {
                    if (peers.isDone(peer, r.transactionUID())) {
                        requests.recordDone(r.transactionUID(), r.requesterAE(), r.calledAE(), peer);
                        return true;
                    }
                } catch (IOException e) {
                    LOG.debug("Node {} not asked about {}: {}", peer, r.transactionUID(), e.getMessage());
                }
            }
        }
        return false;
    }

    @Override
    public void close() {
        // no interrupt while a pass writes to the index: an interrupted file channel fails H2's commit (and the
        // request stays pending); only one that hangs on a requester is interrupted
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
                worker.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
