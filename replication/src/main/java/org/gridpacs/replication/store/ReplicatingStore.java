package org.gridpacs.replication.store;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.archive.store.UnconfirmedStoreException;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.gridpacs.replication.transfer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's store: stores on this node and, at the same time, streams the object to the other nodes of its
 * study's replica set (the set is known once the header is parsed; the local store hands every byte to the
 * streams as it writes it), so that both copies become durable in parallel. It answers success only when the write
 * quorum of copies is durable and verified (same size and CRC-32C as the local object). A streamed copy that fails
 * is pushed after the store, once, as a whole file; a node found dead is replaced by the next in rank. Peers are
 * told of this node's copy through the outbox (not waited for: a read on another node passes its read barrier
 * first). A copy that cannot be made now is made later: the peer learns of the instance from the outbox or from
 * repair, and fetches its copy itself.
 */
public final class ReplicatingStore implements InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatingStore.class);

    private final StoreService local;
    private final ClusterConfig cluster;
    private final Placement placement;
    private final NodeCopies nodeCopies;
    private final Membership membership;
    private final CopyPusher pusher;
    private final CopyRecorder recorder;
    private final InstanceIndex index;
    private final PeerClient client;
    private final StreamingSettings streaming;
    /** Called with the outbox entries a store queued (wakes the senders; nothing waits for them). */
    private final Runnable queued;
    private final ExecutorService pushes;

    public ReplicatingStore(StoreService local, ClusterConfig cluster, Placement placement, NodeCopies nodeCopies,
                            Membership membership, InstanceIndex index, PeerClient client, CopyPusher pusher,
                            CopyRecorder recorder, StreamingSettings streaming, Runnable queued, ExecutorService pushes) {
        this.local = local;
        this.cluster = cluster;
        this.placement = placement;
        this.nodeCopies = nodeCopies;
        this.membership = membership;
        this.index = index;
        this.client = client;
        this.pusher = pusher;
        this.recorder = recorder;
        this.streaming = streaming;
        this.queued = queued;
        this.pushes = pushes;
    }

    @Override
    public StoreResult store(StoreRequest request, InputStream data) throws StoreException, IOException {
        if (!streaming.enabled()) {
            return replicate(request, local.store(request, data), null);
        }
        StreamedCopies streams = new StreamedCopies(cluster, client, pushes, this::streamTargets, streaming);
        long start = System.nanoTime();
        StoreResult result;
        try {
            result = local.store(request, data, streams);
        } catch (StoreException | IOException | RuntimeException e) {
            // refused, cut off or not durable here: the peers keep nothing of it either
            streams.withdraw(request.sopInstanceUID(), e.getMessage());
            throw e;
        }
        long stored = System.nanoTime();
        StreamedCopies.Outcome outcome = streams.any() ? streams.verify(result.object(), request.sopInstanceUID()) : null;
        long answered = System.nanoTime();
        StoreResult done = replicate(request, result, outcome);
        if (LOG.isDebugEnabled()) {
            // where a store's time goes: receiving and storing here (the copy streams meanwhile), then waiting for
            // the peers' answers, then recording and any push after the store
            LOG.debug("{}: stored here {} ms, peers answered {} ms later, recorded {} ms later", request.sopInstanceUID(),
                    (stored - start) / 1_000_000.0, (answered - stored) / 1_000_000.0,
                    (System.nanoTime() - answered) / 1_000_000.0);
        }
        return done;
    }

    /** The live nodes of the study's replica set that hold no copy of the instance yet, this one left out. */
    private List<String> streamTargets(InstanceHeader header) {
        List<String> targets = new ArrayList<>(placement.replicaSet(header.studyInstanceUID(), membership.liveNodes()));
        targets.remove(cluster.self());
        if (targets.isEmpty()) {
            return targets;
        }
        try {
            // sent again: a node that already holds a copy is left to the check after the store
            index.find(header.sopInstanceUID()).ifPresent(i -> i.locations()
                    .forEach(l -> targets.remove(nodeCopies.nodeOf(l.storageId()))));
        } catch (SQLException e) {
            LOG.debug("Could not look {} up before streaming: {}", header.sopInstanceUID(), e.getMessage());
        }
        return targets;
    }

    /** Makes the copies the instance stored here still needs and answers when the write quorum holds it. */
    private StoreResult replicate(StoreRequest request, StoreResult result, StreamedCopies.Outcome streamed)
            throws StoreException {
        String sop = request.sopInstanceUID();
        List<String> live = new ArrayList<>(membership.liveNodes());
        // nodes, not storages: a copy in a shared bucket or on a second disk of this node is no other node's copy
        Set<String> holders = nodeCopies.nodesHolding(result.copies(), result.object().checksum());
        holders.add(cluster.self());
        List<String> failures = new ArrayList<>();
        Set<String> unreachable = new LinkedHashSet<>();
        Set<String> streamedTo = new LinkedHashSet<>();
        List<IndexedInstance.Location> peerCopies = new ArrayList<>();
        if (streamed != null) {
            streamed.copies().forEach((node, copy) -> {
                streamedTo.add(node);
                // the peer stored it through its store service: on its home storage
                peerCopies.add(new IndexedInstance.Location(nodeCopies.storages().homeOf(node), copy.storageKey(),
                        copy.size(), copy.checksum(), "OK"));
            });
            streamed.failures().forEach((node, e) -> LOG.info("{}: the copy streamed to {} failed ({}); sending it"
                    + " again after the store", sop, node, e.getMessage()));
        }
        Set<String> pushed = new LinkedHashSet<>();
        Set<String> tried = new LinkedHashSet<>();
        // a node of the replica set found dead (membership had not noticed yet) is replaced by the next in rank
        for (int round = 0; round < 3; round++) {
            live.removeAll(unreachable);
            List<String> targets = new ArrayList<>(placement.replicaSet(result.header().studyInstanceUID(), live));
            targets.removeAll(holders);
            targets.removeAll(streamedTo);
            targets.removeAll(tried);
            if (targets.isEmpty()) {
                break;
            }
            tried.addAll(targets);
            int before = unreachable.size();
            pushed.addAll(push(request, result, targets, failures, unreachable));
            if (unreachable.size() == before) {
                break;
            }
        }
        live.removeAll(unreachable);
        int durable = holders.size() + streamedTo.size() + pushed.size();

        // pushed copies carry this node's copy with them; every other peer hears of it through the outbox (those
        // streamed to as well: a streamed copy goes before this node's copy exists)
        List<String> tell = new ArrayList<>();
        for (var peer : cluster.peers()) {
            boolean news = result.outcome() != StoreResult.Outcome.ALREADY_STORED || streamedTo.contains(peer.name());
            if (news && !pushed.contains(peer.name())) {
                tell.add(peer.name());
            }
        }
        // a node that holds no copy must have the news queued before the sender hears success (a read there passes
        // its read barrier, which delivers what this node's outbox holds); the others have indexed their own copies,
        // and the rest is recorded after the answer, off the sender's time
        boolean newsNeededNow = tell.stream().anyMatch(n -> !streamedTo.contains(n));
        try {
            if (!newsNeededNow) {
                recorder.recordLater(result.header(), request.callingAETitle(), peerCopies, tell, queued);
            } else if (!recorder.record(result.header(), request.callingAETitle(), peerCopies, tell).isEmpty()) {
                // one commit for the peers' copies and the news
                queued.run();
            }
        } catch (SQLException e) {
            // repair finds the copies and tells the peers later (they compare digests); the copies themselves are made
            LOG.warn("Could not record the copies of {} on {} nor queue news for {}: {}", sop, streamedTo, tell,
                    e.getMessage());
        }
        // a peer that refuses connections is down even if membership has not noticed yet (it takes a moment)
        int quorum = Math.min(cluster.writeQuorum(), live.size());
        if (durable < quorum) {
            LOG.warn("{} from {} is stored on {} copies, {} required: {}", sop, request.callingAETitle(), durable,
                    quorum, String.join("; ", failures));
            throw new UnconfirmedStoreException(Status.OUT_OF_RESOURCES, "stored on " + durable + " node(s), but the"
                    + " cluster requires " + quorum + " copies before it confirms (" + String.join("; ", failures)
                    + "); the missing copy will be made later, or send it again", result);
        }
        if (!failures.isEmpty()) {
            LOG.info("{}: copy postponed ({}); it will be made when the node is back", sop, String.join("; ", failures));
        }
        return result;
    }

    /**
     * Whether the peer endpoints refuse connections now: a transfer cut in the middle by a node that was just
     * killed fails with a reset or an end of stream, and only a fresh connection tells that the node is gone.
     */
    private static boolean refusesConnections(org.gridpacs.replication.config.ClusterNode peer) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(peer.host(), peer.peerPort()), 500);
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        } catch (IOException e) {
            return false; // a timeout: maybe a partition, not a crash; the quorum stays
        }
    }

    /** Pushes to every target at once; returns the nodes that now hold a verified copy. */
    private Set<String> push(StoreRequest request, StoreResult result, List<String> targets, List<String> failures,
                             Set<String> unreachable) {
        Set<String> copied = new LinkedHashSet<>();
        List<CompletableFuture<Exception>> running = new ArrayList<>();
        for (String target : targets) {
            running.add(CompletableFuture.supplyAsync(() -> {
                try {
                    pusher.push(cluster.node(target), result.object(), result.header(), request.callingAETitle());
                    return null;
                } catch (IOException | SQLException | RuntimeException e) {
                    return e;
                }
            }, pushes));
        }
        for (int i = 0; i < targets.size(); i++) {
            Exception failure = running.get(i).join();
            if (failure == null) {
                copied.add(targets.get(i));
            } else {
                failures.add(targets.get(i) + ": " + failure.getMessage());
                if (failure instanceof java.net.ConnectException
                        || failure instanceof IOException && refusesConnections(cluster.node(targets.get(i)))) {
                    unreachable.add(targets.get(i));
                }
            }
        }
        return copied;
    }
}
