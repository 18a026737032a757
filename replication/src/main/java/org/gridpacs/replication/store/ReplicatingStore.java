package org.gridpacs.replication.store;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.archive.store.UnconfirmedStoreException;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.outbox.Outbox;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's store: stores on this node, then makes the study's copies on the other nodes of its replica set,
 * and answers success only when the write quorum of copies is durable. Peers that hold no copy are told of this
 * one through the outbox, and the sender's answer waits (a bounded time) until the live ones have heard, so that
 * a C-FIND or retrieve on any node right after a success finds the instance. A copy that cannot be made now is
 * made later: the peer learns of the instance from the outbox or from repair, and fetches its copy itself.
 */
public final class ReplicatingStore implements InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatingStore.class);

    private final StoreService local;
    private final ClusterConfig cluster;
    private final Placement placement;
    private final NodeCopies nodeCopies;
    private final Membership membership;
    private final CopyPusher pusher;
    private final Outbox outbox;
    private final Consumer<Map<String, Long>> announced;
    private final ExecutorService pushes;

    public ReplicatingStore(StoreService local, ClusterConfig cluster, Placement placement, NodeCopies nodeCopies,
                            Membership membership, CopyPusher pusher, Outbox outbox,
                            Consumer<Map<String, Long>> announced, ExecutorService pushes) {
        this.local = local;
        this.cluster = cluster;
        this.placement = placement;
        this.nodeCopies = nodeCopies;
        this.membership = membership;
        this.pusher = pusher;
        this.outbox = outbox;
        this.announced = announced;
        this.pushes = pushes;
    }

    @Override
    public StoreResult store(StoreRequest request, InputStream data) throws StoreException, IOException {
        return replicate(request, local.store(request, data));
    }

    /** Makes the copies the instance stored here needs and answers when the write quorum holds it. */
    private StoreResult replicate(StoreRequest request, StoreResult result) throws StoreException {
        String sop = request.sopInstanceUID();
        List<String> live = new ArrayList<>(membership.liveNodes());
        // nodes, not storages: a copy in a shared bucket or on a second disk of this node is no other node's copy
        Set<String> holders = nodeCopies.nodesHolding(result.copies(), result.object().checksum());
        holders.add(cluster.self());
        List<String> failures = new ArrayList<>();
        Set<String> unreachable = new LinkedHashSet<>();
        Set<String> copied = new LinkedHashSet<>();
        Set<String> tried = new LinkedHashSet<>();
        // a node of the replica set found dead (membership had not noticed yet) is replaced by the next in rank
        for (int round = 0; round < 3; round++) {
            live.removeAll(unreachable);
            List<String> targets = new ArrayList<>(placement.replicaSet(result.header().studyInstanceUID(), live));
            targets.removeAll(holders);
            targets.removeAll(tried);
            if (targets.isEmpty()) {
                break;
            }
            tried.addAll(targets);
            int before = unreachable.size();
            copied.addAll(push(request, result, targets, failures, unreachable));
            if (unreachable.size() == before) {
                break;
            }
        }
        live.removeAll(unreachable);
        int durable = holders.size() + copied.size();

        if (result.outcome() != StoreResult.Outcome.ALREADY_STORED) {
            List<String> tell = new ArrayList<>();
            for (var peer : cluster.peers()) {
                if (!copied.contains(peer.name())) {
                    tell.add(peer.name());
                }
            }
            try {
                Map<String, Long> entries = new HashMap<>(outbox.add(tell, Outbox.Kind.COPY, sop, null));
                // waits (briefly) until live peers have heard, so that a query on any node finds what was
                // acknowledged; not for one found down just now, which membership may not have noticed yet
                entries.keySet().removeAll(unreachable);
                announced.accept(entries);
            } catch (SQLException e) {
                // repair tells them later (they compare digests); the copies themselves are made
                LOG.warn("Could not queue news of {} for {}: {}", sop, tell, e.getMessage());
            }
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
