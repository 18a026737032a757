package org.gridpacs.replication;

import java.io.Closeable;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import org.eclipse.jetty.server.Handler;
import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.index.SchemaMigrations;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.query.ReadBarrier;
import org.gridpacs.archive.retrieve.RemoteCopies;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.conflict.ConflictRecords;
import org.gridpacs.replication.conflict.ConflictResolver;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.membership.MembershipListener;
import org.gridpacs.replication.outbox.Outbox;
import org.gridpacs.replication.outbox.OutboxSender;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.placement.Placement;
import org.gridpacs.replication.repair.ClusterRepair;
import org.gridpacs.replication.store.CopyPusher;
import org.gridpacs.replication.store.CopyRecorder;
import org.gridpacs.replication.store.ReplicatingStore;
import org.gridpacs.replication.store.StreamingSettings;
import org.gridpacs.replication.transfer.PeerClient;
import org.gridpacs.replication.transfer.PeerHandler;
import org.gridpacs.replication.transfer.PeerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster, wired from its storage, index and store service: the replicating store for the
 * DIMSE (and later DICOMweb) adapters, remote reads for retrieve, the peer transport's HTTP handler, the outbox
 * senders and repair. The gateway mounts {@link #peerHandler()} on the node's HTTP service.
 */
public final class Replication implements Closeable, MembershipListener, PeerHandler.Events {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    /**
     * The replication module's tables in the node's index (the outbox): the composition root passes this to
     * {@link IndexDatabase#open(String, String, String, int, java.util.List)}. Scripts: {@code V<n>__<what>.sql}
     * in {@code org/gridpacs/replication/db}, numbered on their own, run after the archive's.
     */
    public static final SchemaMigrations SCHEMA = SchemaMigrations.of("replication", Replication.class,
            "org/gridpacs/replication/db");

    private final ClusterConfig cluster;
    private final NodeCopies nodeCopies;
    private final Membership membership;
    private final PeerClient client;
    private final ReplicatingStore store;
    private final PeerHandler handler;
    private final Outbox outbox;
    private final List<OutboxSender> senders = new ArrayList<>();
    private final ClusterRepair repair;
    private final ExecutorService pushes;
    private final CopyRecorder recorder;
    private final ConflictResolver conflicts;

    /**
     * @param storages   which storage is which node's, or shared; the same on every node
     * @param storage    this node's home storage in {@code storages}, the one {@code localStore} writes into
     * @param database   the index, opened with {@link #SCHEMA} among its migrations
     * @param sslContext mutual TLS for the peer transport (the same context as the HTTP service's), or null
     */
    public Replication(ClusterConfig cluster, StorageRegistry storages, Membership membership, Storage storage,
                       IndexDatabase database, InstanceIndex index, StoreService localStore, SSLContext sslContext) {
        this(cluster, storages, membership, storage, database, index, localStore, sslContext, StreamingSettings.DEFAULT);
    }

    /** @param streaming how copies are streamed to peers while an instance is stored (or not: pushed after) */
    public Replication(ClusterConfig cluster, StorageRegistry storages, Membership membership, Storage storage,
                       IndexDatabase database, InstanceIndex index, StoreService localStore, SSLContext sslContext,
                       StreamingSettings streaming) {
        if (database.schemaVersion(SCHEMA.module()) < 1) {
            throw new IllegalStateException("the index was opened without the replication module's migrations:"
                    + " pass Replication.SCHEMA to IndexDatabase.open");
        }
        if (!storage.id().equals(storages.homeOf(cluster.self()))) {
            throw new IllegalArgumentException("node " + cluster.self() + " writes into storage " + storage.id()
                    + ", but its home storage is " + storages.homeOf(cluster.self()));
        }
        this.cluster = cluster;
        this.nodeCopies = new NodeCopies(storages);
        this.membership = membership;
        this.client = new PeerClient(sslContext);
        CopyCatalog catalog;
        try {
            // every copy recorded goes through the conflict rule (two objects under one SOP Instance UID)
            this.conflicts = new ConflictResolver(new SqlCopyCatalog(database), database, index, storages,
                    storage.id(), localStore.duplicatePolicy());
            catalog = conflicts;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the conflict records: " + e.getMessage(), e);
        }
        Placement placement = new Placement(cluster.replicationFactor());
        this.outbox = new Outbox(database);
        for (ClusterNode peer : cluster.peers()) {
            senders.add(new OutboxSender(storage.id(), peer, outbox, catalog, client, membership));
        }
        this.pushes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replica-push");
            t.setDaemon(true);
            return t;
        });
        // the peers' copies of an object this node stored are the same object (checksums compared): no conflict to
        // decide, so they are recorded with the outbox news in one transaction, past the conflict resolver
        SqlCopyCatalog sqlCatalog = new SqlCopyCatalog(database);
        this.recorder = new CopyRecorder(database, sqlCatalog, outbox);
        this.store = new ReplicatingStore(localStore, cluster, placement, nodeCopies, membership, index, client,
                new CopyPusher(cluster.self(), storage, storages, catalog, client), recorder, streaming,
                this::wakeSenders, pushes);
        this.handler = new PeerHandler(cluster.self(), storage, storages, localStore, catalog, this,
                PeerIdentity.of(cluster, storages));
        this.repair = new ClusterRepair(cluster, membership, placement, nodeCopies, catalog, index, client, localStore,
                storage, outbox, this::wakeSenders);
    }

    /** Starts delivering the outbox and repairing; call once the HTTP service answers. */
    public Replication start() {
        senders.forEach(OutboxSender::start);
        membership.addListener(this);
        repair.start();
        LOG.info("Node {} in cluster {}: replication factor {}, write quorum {}, live members {}", cluster.self(),
                cluster.describe(), cluster.replicationFactor(), cluster.writeQuorum(), membership.liveNodes());
        return this;
    }

    /** The store the protocol adapters use: this node's, plus the study's copies on other nodes. */
    public InstanceStore store() {
        return store;
    }

    /**
     * Reads of copies held by other members, on their home storage (the one their peer transport serves). A copy
     * on this node's own storages, on a shared storage (read directly, where the node opened it) or on a storage
     * no member serves is not read from a peer: null.
     */
    public RemoteCopies remoteCopies() {
        return location -> {
            String node = nodeCopies.servingPeer(location.storageId(), cluster.self());
            if (node == null || cluster.members().stream().noneMatch(n -> n.name().equals(node))) {
                return null;
            }
            return client.open(cluster.node(node), location);
        };
    }

    /** The handler for /peer/* on the node's HTTP service. */
    public Handler peerHandler() {
        return handler;
    }

    /**
     * Null when this node can serve; else why not yet (it has not caught up with the live members' index since it
     * started: a load balancer should not send it clients before).
     */
    public String notReady() {
        return repair.indexSynced() ? null : "catching up with the cluster's index";
    }

    /** Runs a full repair pass now (tests, administration). */
    public void repairNow() {
        repair.runFullPass();
    }

    /** Reads back and checks every copy of this node now, replacing damaged ones: {checked, damaged}. */
    public int[] scrubNow() throws InterruptedException {
        return repair.scrubNow();
    }

    /** The duplicate SOP Instance UID conflicts this node recorded (docs/cluster.md, "Conflicts"). */
    public ConflictRecords conflicts() {
        return conflicts.records();
    }

    /** Entries still owed to {@code peer}. */
    public long backlog(String peer) throws SQLException {
        return outbox.backlog(peer);
    }

    @Override
    public void memberJoined(String node) {
        senders.stream().filter(s -> s.peer().equals(node)).forEach(OutboxSender::wake);
        repair.requestFullPass();
    }

    @Override
    public void memberLeft(String node) {
        repair.requestFullPass();
    }

    @Override
    public void copyReceived(String sopInstanceUID, String origin) {
        List<String> tell = cluster.peers().stream().map(ClusterNode::name).filter(n -> !n.equals(origin)).toList();
        try {
            outbox.add(tell, Outbox.Kind.COPY, sopInstanceUID, null);
            wakeSenders();
        } catch (SQLException e) {
            LOG.warn("Could not queue news of the copy of {} for {}: {}", sopInstanceUID, tell, e.getMessage());
        }
    }

    @Override
    public void studiesChanged(Set<String> studyInstanceUIDs) {
        repair.requestStudies(studyInstanceUIDs);
    }

    /**
     * How long a read waits for the peers to deliver what they owe this node (each peer bounds its own wait): long
     * enough for a backlog built while many associations store, short against a peer that hangs.
     */
    private static final long READ_BARRIER_MILLIS = 5000;

    /**
     * The read barrier for this node's queries and retrieves: asks every live peer, in parallel, to deliver what
     * its outbox holds for this node now ({@code POST /peer/flush}), and returns once all have answered (each
     * answers at once when it owes nothing, else when it has delivered, at most about 2 s). A store acknowledged on
     * a peer before the read began has its news committed in that peer's outbox before the acknowledgement, so the
     * read finds it. A peer that cannot be reached is skipped.
     */
    public ReadBarrier readBarrier() {
        return () -> {
            List<ClusterNode> up = cluster.peers().stream().filter(p -> membership.isUp(p.name())).toList();
            if (up.isEmpty()) {
                return;
            }
            List<java.util.concurrent.CompletableFuture<Void>> asked = new ArrayList<>();
            for (ClusterNode peer : up) {
                asked.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        client.flush(peer, cluster.self(), READ_BARRIER_MILLIS);
                    } catch (java.io.IOException e) {
                        LOG.debug("Read barrier: node {} did not flush its news ({}); reading without", peer.name(),
                                e.getMessage());
                    }
                }, pushes));
            }
            try {
                java.util.concurrent.CompletableFuture.allOf(asked.toArray(new java.util.concurrent.CompletableFuture[0]))
                        .get(READ_BARRIER_MILLIS + 1500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("Read barrier: {}", e.toString());
            }
        };
    }

    @Override
    public boolean flushFor(String node, long millis) {
        for (OutboxSender s : senders) {
            if (s.peer().equals(node)) {
                try {
                    return s.awaitFlushed(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void copyWithdrawn(String sopInstanceUID, String storageKey, String origin) {
        List<String> tell = cluster.peers().stream().map(ClusterNode::name).filter(n -> !n.equals(origin)).toList();
        try {
            outbox.add(tell, Outbox.Kind.DROP, sopInstanceUID, storageKey);
            wakeSenders();
        } catch (SQLException e) {
            LOG.warn("Could not queue news of the withdrawn copy of {} for {}: {}", sopInstanceUID, tell, e.getMessage());
        }
    }

    private void wakeSenders() {
        senders.forEach(OutboxSender::wake);
    }

    /**
     * Queues, in the caller's transaction {@code c}, news for every peer of a copy this node made on the shared
     * storage {@code storageId} (the grid copy): the peers learn of it as of this node's own copies. Call
     * {@link #newsQueued()} after the commit.
     */
    public void sharedCopyMade(java.sql.Connection c, String sopInstanceUID, String storageId) throws SQLException {
        if (!nodeCopies.storages().isShared(storageId)) {
            throw new IllegalArgumentException("storage " + storageId + " is not a shared storage");
        }
        outbox.add(c, cluster.peers().stream().map(ClusterNode::name).toList(), Outbox.Kind.COPY, sopInstanceUID,
                null, storageId);
    }

    /**
     * Queues, in the caller's transaction, news for every peer that this node made ({@code dropped} false) or
     * removed its home copy of an instance (the grid tier's restore and migration). Call {@link #newsQueued()} after
     * the commit.
     */
    public void homeCopyChanged(java.sql.Connection c, String sopInstanceUID, String storageKey, boolean dropped)
            throws SQLException {
        outbox.add(c, cluster.peers().stream().map(ClusterNode::name).toList(),
                dropped ? Outbox.Kind.DROP : Outbox.Kind.COPY, sopInstanceUID, dropped ? storageKey : null);
    }

    /** The studies the grid tier migrates or has tiered on this node: repair does not re-create their copies. */
    public void tieredStudies(java.util.function.Predicate<String> tiered) {
        repair.tieredStudies(tiered);
    }

    /** Something was queued in the outbox outside this class (after its commit): deliver it now. */
    public void newsQueued() {
        wakeSenders();
    }

    @Override
    public void close() {
        repair.close();
        recorder.close(); // before the senders stop: the news it records still goes out
        senders.forEach(OutboxSender::close);
        pushes.shutdownNow();
    }
}
