package org.gridpacs.gateway.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.commitment.CommitmentCheck;
import org.gridpacs.archive.commitment.CommitmentPeers;
import org.gridpacs.archive.commitment.CommitmentRequests;
import org.gridpacs.archive.commitment.CommitmentService;
import org.gridpacs.archive.commitment.DurableCopies;
import org.gridpacs.archive.dimse.DimseCommitmentReporter;
import org.gridpacs.archive.dimse.FindScp;
import org.gridpacs.archive.dimse.StorageCommitmentScp;
import org.gridpacs.archive.dimse.RetrieveScp;
import org.gridpacs.archive.dimse.StoreScp;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.query.ReadBarrier;
import org.gridpacs.archive.repair.StartupRepair;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.Storages;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.NotifyingStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.archive.retrieve.RemoteCopies;
import org.gridpacs.grid.tier.DiskSpace;
import org.gridpacs.grid.tier.GridOrphans;
import org.gridpacs.grid.tier.StudyTiering;
import org.gridpacs.grid.tier.TierCluster;
import org.gridpacs.grid.tier.TierJobs;
import org.gridpacs.grid.tier.TierScheduler;
import org.gridpacs.grid.tier.TierStates;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.commitment.CommitmentPeerHandler;
import org.gridpacs.replication.commitment.HttpCommitmentPeers;
import org.gridpacs.replication.commitment.NodeDurableCopies;
import org.gridpacs.replication.placement.NodeCopies;
import org.gridpacs.replication.membership.HazelcastMembership;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.tls.PeerTls;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dose.jobs.DoseJobs;
import org.gridpacs.dose.jobs.DoseJobsHandler;
import org.gridpacs.dose.jobs.DoseJobsPeerHandler;
import org.gridpacs.dose.jobs.JobStore;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.http.HealthHandler;
import org.gridpacs.web.DicomWeb;
import org.gridpacs.web.DicomWebHandler;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.viewer.AdminPage;
import org.gridpacs.web.viewer.ConflictsHandler;
import org.gridpacs.web.viewer.NodesHandler;
import org.gridpacs.web.viewer.ViewerHandler;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.auth.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One archive node, wired from its configuration: storage, index, the store/query/retrieve services and
 * the DICOM server in front of them. The composition root of the archive (ARCHITECTURE.md).
 */
public final class ArchiveNode implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveNode.class);
    /** Query/retrieve models offered, each in the uncompressed syntaxes (identifiers are small). */
    private static final List<String> QUERY_RETRIEVE = List.of(
            UID.PatientRootQueryRetrieveInformationModelFind, UID.StudyRootQueryRetrieveInformationModelFind,
            UID.PatientRootQueryRetrieveInformationModelMove, UID.StudyRootQueryRetrieveInformationModelMove,
            UID.PatientRootQueryRetrieveInformationModelGet, UID.StudyRootQueryRetrieveInformationModelGet);

    private final NodeConfig config;
    /** The cluster this node is a member of, or null when it runs alone. */
    private final ClusterConfig cluster;
    private final ClusterStorages storages;
    private final DoseSetup dose;
    /** The grid tier's settings (conf/grid.properties); off unless given. */
    private final org.gridpacs.grid.GridSettings gridSettings;
    /** The grid storage and off-site copy, or null when the grid is off. */
    private org.gridpacs.grid.Grid grid;
    /** The grid tier's migrate, restore and verify, or null when the grid is off. */
    private StudyTiering tiering;
    /** The grid's orphan count and sweep (pacs grid verify [--sweep]), or null when the grid is off. */
    private GridOrphans gridOrphans;
    private final TierJobs tierJobs = new TierJobs();
    /** The tiering policy's read times and periodic pass, or null when the grid is off. */
    private TierScheduler tierScheduler;
    private final List<Closeable> resources = new ArrayList<>();
    /** Told of every instance this node receives and stores; other modules subscribe here. */
    private final StoreListeners storeListeners = new StoreListeners();
    private InstanceStore store;
    private RetrieveService retrieve;
    private DicomServer server;
    private NodeHttpServer http;
    private volatile Replication replication;
    /** The dose service, or null when dose.enabled is false. */
    private DoseJobs doseJobs;
    /** Where conf/federation.properties is, or null: no federation gateway on this node. */
    private FederationGateway.Setup federationSetup;
    /** The federation gateway, or null when federation is off. */
    private FederationGateway federation;

    private ArchiveNode(NodeConfig config, ClusterConfig cluster, ClusterStorages storages, DoseSetup dose,
                        org.gridpacs.grid.GridSettings gridSettings) {
        this.config = config;
        this.cluster = cluster;
        // the grid is a shared storage of every node: its copies count for no node (placement, repair, quorum)
        this.storages = storages != null && gridSettings.enabled()
                ? storages.withShared(org.gridpacs.grid.GridSettings.STORAGE_ID) : storages;
        this.dose = dose;
        this.gridSettings = gridSettings;
    }

    /** Opens storage and index, repairs what an unclean stop left, and starts listening; alone. */
    public static ArchiveNode start(NodeConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * Opens storage and index, repairs what an unclean stop left, and starts listening, as a member of
     * {@code cluster} (null: alone).
     */
    public static ArchiveNode start(NodeConfig config, ClusterConfig cluster) throws IOException {
        return start(config, cluster, cluster != null ? ClusterStorages.defaults(cluster) : null);
    }

    /** As {@link #start(NodeConfig, ClusterConfig)}, with the cluster's storages ({@code cluster.storage.*}). */
    public static ArchiveNode start(NodeConfig config, ClusterConfig cluster, ClusterStorages storages)
            throws IOException {
        return start(config, cluster, storages, DoseSetup.defaults());
    }

    /** As {@link #start(NodeConfig, ClusterConfig, ClusterStorages)}, with the dose service set up as {@code dose}. */
    public static ArchiveNode start(NodeConfig config, ClusterConfig cluster, ClusterStorages storages, DoseSetup dose)
            throws IOException {
        return start(config, cluster, storages, dose, org.gridpacs.grid.GridSettings.OFF);
    }

    /**
     * As {@link #start(NodeConfig, ClusterConfig, ClusterStorages, DoseSetup)}, with the grid tier
     * ({@code conf/grid.properties}): its storage checked at start (a bad setting stops the node, named), read by
     * retrieves, and the off-site copy of what this node receives.
     */
    public static ArchiveNode start(NodeConfig config, ClusterConfig cluster, ClusterStorages storages, DoseSetup dose,
                                    org.gridpacs.grid.GridSettings grid) throws IOException {
        return start(config, cluster, storages, dose, grid, null);
    }

    /**
     * As {@link #start(NodeConfig, ClusterConfig, ClusterStorages, DoseSetup, org.gridpacs.grid.GridSettings)}, with
     * the federation gateway when {@code federation}'s conf/federation.properties enables it (null: none).
     */
    public static ArchiveNode start(NodeConfig config, ClusterConfig cluster, ClusterStorages storages, DoseSetup dose,
                                    org.gridpacs.grid.GridSettings grid, FederationGateway.Setup federation)
            throws IOException {
        // TLS to the peers and the grid's encryption are AES-GCM: compiled to the CPU's instructions from the start
        org.gridpacs.pki.CryptoWarmUp.start();
        ArchiveNode node = new ArchiveNode(config, cluster, storages, dose, grid);
        node.federationSetup = federation;
        try {
            node.startServices();
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startServices() throws IOException {
        // closed after the DICOM server (resources close in reverse): the last stores' events are still delivered
        resources.add(storeListeners);
        Files.createDirectories(config.dataDir());
        Storage storage = Storages.fromUri(config.storageId(), resolve(config.storageUri()), config.storageFsync());
        IndexDatabase database;
        try {
            // the index holds replication's tables (the outbox) and the dose jobs as well as the archive's,
            // standalone or not
            database = IndexDatabase.open(indexUrl(), "sa", "", 16, List.of(Replication.SCHEMA, JobStore.SCHEMA,
                    org.gridpacs.federation.export.ExportQueue.SCHEMA));
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot open the index " + config.indexUrl() + ": " + e.getMessage(), e);
        }
        resources.add(database);
        if (gridSettings.enabled()) {
            // before anything serves: a bad endpoint, credentials, bucket or key stops the start, the setting named
            try {
                grid = org.gridpacs.grid.Grid.open(gridSettings);
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("the grid storage (conf/grid.properties) failed its start-up check: "
                        + e.getMessage(), e);
            }
            resources.add(grid);
        }
        SqlInstanceIndex index = new SqlInstanceIndex(database);
        try {
            new StartupRepair(index, storage).run();
        } catch (java.sql.SQLException e) {
            throw new IOException("the startup check of the index failed: " + e.getMessage(), e);
        }

        StoreService localStore = new StoreService(storage, index, config.duplicatePolicy());
        store = localStore;
        RemoteCopies remote = RemoteCopies.NONE;
        DoseJobs.Cluster doseCluster = null;
        NodeStates nodeStates = null;
        String nodeName = cluster != null ? cluster.self() : config.aeTitle();
        CommitmentPeers commitmentPeers = CommitmentPeers.alone(nodeName);
        DurableCopies durableCopies = DurableCopies.STANDALONE;
        org.gridpacs.http.PeerCaller peerCallers = org.gridpacs.http.PeerCaller.ANYONE;
        javax.net.ssl.SSLContext peerSsl = null;
        Membership clusterMembership = null;
        // access (loopback without login, or network with login over HTTPS), bind address, sessions: conf/node.properties
        http = config.userHttp().newServer(httpAccounts())
                .publicRoute("/health", new HealthHandler(this::problem, config.aeTitle() + " DICOM port " + config.dicomPort()));
        if (cluster != null) {
            PeerTls tls = cluster.tlsEnabled() ? peerTls(cluster) : null;
            peerSsl = tls != null ? tls.sslContext() : null;
            if (tls == null) {
                LOG.warn("Cluster TLS is off (cluster.tls.enabled = false): the peer endpoints on {}:{} answer anyone "
                        + "who can reach them, without authentication, and the node identity checks are off (any "
                        + "caller may act as any node); use this only on one machine",
                        cluster.selfNode().host(), cluster.selfNode().peerPort());
            }
            // the peer endpoints listen on the address the other nodes reach this one on, not on the user address
            http.peerConnector(cluster.selfNode().host(), cluster.selfNode().peerPort(),
                    tls != null ? tls.serverConnectors() : NodeHttpServer.PLAIN);
            Membership membership = HazelcastMembership.start(cluster);
            clusterMembership = membership;
            resources.add(membership);
            // set before the node serves: the health check says "catching up" until its first index sync
            nodeStates = new NodeStates(cluster, membership, this::problem);
            replication = new Replication(cluster, storages.registry(), membership, storage, database, index,
                    localStore, tls != null ? tls.sslContext() : null);
            resources.add(replication);
            Replication r = replication;
            nodeStates.conflicts(() -> {
                try {
                    return r.conflicts().openCount();
                } catch (java.sql.SQLException e) {
                    return null;
                }
            });
            store = replication.store();
            remote = replication.remoteCopies();
            http.peerRoute("/peer/*", replication.peerHandler());
            peerCallers = org.gridpacs.replication.transfer.PeerIdentity.of(cluster, storages.registry());
            doseCluster = new DoseJobs.Cluster(new MembershipPeers(membership, cluster.self()),
                    new HttpJobPeers(cluster, tls != null ? tls.sslContext() : null), peerCallers);
            commitmentPeers = new HttpCommitmentPeers(cluster, membership, tls != null ? tls.sslContext() : null);
            durableCopies = new NodeDurableCopies(new NodeCopies(storages.registry()), cluster.replicationFactor(),
                    cluster.members().size());
        }
        // in a cluster, reads first collect what the peers acknowledged and this index has not heard of yet
        QueryService query = new QueryService(database, config.aeTitle(),
                replication != null ? replication.readBarrier() : ReadBarrier.NONE);
        // events once per instance on the node that received it: copies from peers bypass this wrapper
        store = new NotifyingStore(store, storeListeners, nodeName);
        retrieve = new RetrieveService(query, readableStorages(storage), remote,
                grid != null ? java.util.Set.of(grid.storage().id()) : java.util.Set.of());
        if (grid != null) {
            startOffsiteCopy(database, index, storage, nodeName);
            TierCluster tierCluster = replication == null
                    ? TierCluster.ALONE
                    : new GridTierCluster(cluster, replication, peerSsl);
            tiering = new StudyTiering(database, storage, grid.storage(), tierCluster)
                    .transfers(grid.settings().tier().transfers());
            gridOrphans = new GridOrphans(database, grid.s3(),
                    grid.settings().tier().orphanGrace());
            if (replication != null) {
                TierStates tierStates = tiering.states();
                replication.tieredStudies(tierStates::migrating);
                // the longer path spec wins over replication's "/peer/*"
                http.peerRoute(GridPeerHandler.ROUTE, new GridPeerHandler(tiering, peerCallers));
            }
        }
        resources.add(tierJobs);
        http.route(GridTierHandler.ROUTE, new GridTierHandler(tiering, tierJobs, gridOrphans));
        if (dose.config().enabled()) {
            // before the HTTP service starts: its routes are fixed then
            doseJobs = startDose(database, query, nodeName, doseCluster);
            resources.add(doseJobs);
            http.route(DoseJobsHandler.ROUTE, doseJobs.handler());
            if (doseCluster != null) {
                // the longer path spec wins over replication's "/peer/*": neither shadows the other
                http.peerRoute(DoseJobsPeerHandler.ROUTE, doseJobs.peerHandler());
            }
        }
        // Storage Commitment: requests kept in the index, answered once their instances have the copies that count
        // a requester that never confirms a report must not hold the others: 30 s for its N-EVENT-REPORT-RSP
        org.gridpacs.dicom.net.NetworkSettings net = config.network();
        DimseCommitmentReporter commitmentReporter = new DimseCommitmentReporter(config.applicationEntities(),
                new Connector(net.withTimeouts(net.connectTimeout(), net.artimTimeout(), net.idleTimeout(), 30_000)));
        CommitmentService commitment = new CommitmentService(new CommitmentRequests(database),
                new CommitmentCheck(index, durableCopies), commitmentReporter, commitmentPeers,
                java.time.Duration.ofSeconds(config.commitmentWaitSeconds()));
        resources.add(commitment);
        if (cluster != null) {
            // the longer path spec wins over replication's "/peer/*"
            http.peerRoute(CommitmentPeerHandler.ROUTE, new CommitmentPeerHandler(commitment, peerCallers));
        }
        org.eclipse.jetty.server.Handler dicomWeb = DicomWeb.handler(
                new DicomWebServices(query, retrieve, store, new StoredHeaders(database), config.aeTitle()));
        http.route(DicomWebHandler.ROUTE, dicomWeb).route(DicomWebHandler.WADO_URI_ROUTE, dicomWeb);
        // the viewer at the root of the same origin (no CORS; its isolation headers), our page beside it
        ViewerHandler.ifInstalled(config.viewerFolder()).ifPresent(v -> http.route(ViewerHandler.ROUTE, v));
        http.route(AdminPage.ROUTE, new AdminPage());
        http.route(GridHandler.ROUTE, new GridHandler(grid, nodeName));
        // pacs export: 503 "federation is off" while no federation gateway runs (it starts after the HTTP service)
        http.route(FederationExportsHandler.ROUTE, new FederationExportsHandler(
                () -> federation == null ? null : federation.exports()));
        http.route(NodesHandler.ROUTE, new NodesHandler(nodeStates != null ? nodeStates
                : NodeStates.alone(config, this::problem)));
        if (replication != null) {
            http.route(ConflictsHandler.ROUTE, new ConflictsHandler(new ConflictsView(replication.conflicts())));
        }
        // peers may push copies as soon as they see this node: the HTTP service is up before DICOM is
        http.start();
        resources.add(http);
        RetrieveScp retrieveScp = new RetrieveScp(retrieve, config.applicationEntities(), config.aeTitle(),
                new Connector(config.network()));
        Services services = new Services()
                .store(new StoreScp(store, config.applicationEntities()))
                .find(new FindScp(query, config.applicationEntities()))
                .move(retrieveScp)
                .get(retrieveScp)
                .action(new StorageCommitmentScp(commitment, commitmentReporter, config.applicationEntities(), nodeName));
        AcceptPolicy policy = new AcceptPolicy(config.aeTitle())
                .callingAETitles(config.applicationEntities()::mayAssociate)
                .accept(UID.Verification, UID.ImplicitVRLittleEndian, UID.ExplicitVRLittleEndian)
                .accept(UIDs.storageSopClasses(), AcceptPolicy.ANY)
                .accept(QUERY_RETRIEVE, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(UID.StorageCommitmentPushModel, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        DicomServer dicom = new DicomServer(config.network(), policy, services);
        if (federationSetup != null) {
            // the gateway AE on this same port, and the federation TLS port; closed after the DICOM server
            federation = FederationGateway.startIfEnabled(federationSetup, config, nodeName, query, retrieve, store, dicom,
                    database, retrieveScp, storeListeners);
            if (federation != null) {
                resources.add(federation);
            }
        }
        server = dicom.start(InetAddress.getByName(config.bindAddress()), config.dicomPort());
        resources.add(server);
        warnIfOpenToAnyone();
        if (replication != null) {
            replication.start();
        }
        commitment.start();
        if (tiering != null) {
            // what a crash left mid-migration or mid-restore is finished first, on the tier jobs' thread
            StudyTiering t = tiering;
            tierJobs.submit("resume", "interrupted tier operations", p -> "unfinished: " + t.resume());
            java.util.function.Predicate<String> leads = study -> true;
            if (replication != null) {
                // one node migrates a study: the first live member of its rendezvous ranking
                Membership members = clusterMembership;
                leads = study -> {
                    List<String> ranked = org.gridpacs.archive.placement.Rendezvous.rank(study, members.liveNodes());
                    return !ranked.isEmpty() && ranked.get(0).equals(cluster.self());
                };
            }
            tierScheduler = new TierScheduler(t, tierJobs, gridSettings.tier(), leads,
                    diskSpace(storage)).start();
            resources.add(tierScheduler);
            retrieve.onStudyRead(tierScheduler::read);
        }
        LOG.info("Archive node {} listening on port {}; storage {} at {}, index {}", config.aeTitle(), server.port(),
                storage.id(), config.storageUri(), config.indexUrl());
    }

    /**
     * The off-site copy of what this node receives: news of each copy for the peers through the outbox; the
     * start-up pass queues an instance only on the first node, in the rendezvous ranking of its study, of those
     * holding it (one grid copy per instance, cluster-wide).
     */
    private void startOffsiteCopy(IndexDatabase database, SqlInstanceIndex index, Storage home, String nodeName)
            throws IOException {
        Replication r = replication;
        org.gridpacs.grid.offsite.CopyNews news = r == null ? org.gridpacs.grid.offsite.CopyNews.NONE
                : new org.gridpacs.grid.offsite.CopyNews() {
                    @Override
                    public void queue(java.sql.Connection c, String sop, String storageId) throws java.sql.SQLException {
                        r.sharedCopyMade(c, sop, storageId);
                    }

                    @Override
                    public void committed() {
                        r.newsQueued();
                    }
                };
        java.util.function.BiPredicate<String, List<String>> mine = (study, holders) -> true;
        if (cluster != null) {
            org.gridpacs.archive.storage.StorageRegistry registry = storages.registry();
            mine = (study, holders) -> {
                List<String> nodes = holders.stream().map(registry::nodeOf).flatMap(java.util.Optional::stream)
                        .distinct().toList();
                List<String> ranked = org.gridpacs.archive.placement.Rendezvous.rank(study, nodes);
                return !ranked.isEmpty() && ranked.get(0).equals(nodeName);
            };
        }
        try {
            grid.startOffsiteCopy(database, index, Map.of(home.id(), home), home.id(), news, storeListeners, mine);
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot start the off-site copy to the grid: " + e.getMessage(), e);
        }
    }

    /** The accounts of the user HTTP endpoints; none (everyone refused, said at WARN) when the file is missing. */
    private UserAccounts httpAccounts() throws IOException {
        UserAccounts accounts = UserAccounts.load(config.httpUsers());
        if (accounts.isEmpty() && config.userHttp().access() == org.gridpacs.http.HttpAccess.NETWORK) {
            LOG.warn("No HTTP accounts in {}: the dose job and DICOMweb endpoints refuse every request until one is "
                    + "added with: pacs http-user add NAME", config.httpUsers());
        } else {
            LOG.info("HTTP accounts from {}: {}", config.httpUsers(), accounts.names().size());
        }
        return accounts;
    }

    private DoseJobs startDose(IndexDatabase database, QueryService query, String nodeName,
                               DoseJobs.Cluster doseCluster) throws IOException {
        DoseJobs.Archive archive = new DoseJobs.Archive(database, query, retrieve, store, storeListeners, nodeName);
        try {
            return dose.calculation() != null
                    ? DoseJobs.start(dose.config(), archive, dose.calculation(), doseCluster)
                    : DoseJobs.start(dose.config(), dose.huDir(), archive, dose.grid(), doseCluster);
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot start the dose service: " + e.getMessage(), e);
        }
    }

    private static PeerTls peerTls(ClusterConfig cluster) throws IOException {
        try {
            return PeerTls.load(cluster.tls());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot use the cluster's TLS key or trust store (" + cluster.tls().keyStore() + ", "
                    + cluster.tls().trustStore() + "): " + e.getMessage(), e);
        }
    }

    /** Null while the node serves; else what stops it (for the health check). */
    private String problem() {
        if (server == null) {
            return "the DICOM service is not running";
        }
        Replication r = replication;
        return r == null ? null : r.notReady();
    }

    /** The configured JDBC URL; an H2 one gets the durability settings the index relies on, unless it has its own. */
    private String indexUrl() {
        String url = config.indexUrl();
        return url.startsWith("jdbc:h2:") && !url.contains(";") ? url + IndexDatabase.H2_SETTINGS : url;
    }

    /** The file system of the home storage, for grid.tier.fill-percent; null when it is not on one. */
    private static DiskSpace diskSpace(Storage storage) {
        Storage s = storage instanceof ChecksummingStorage c ? c.unwrap() : storage;
        return s instanceof FileSystemStorage f ? DiskSpace.of(f.root()) : null;
    }

    /** A storage URI relative to the data folder ("file:storage") made absolute. */
    private String resolve(String uri) {
        if (uri.startsWith("file:") && !uri.startsWith("file:/")) {
            return "file:" + config.dataDir().resolve(uri.substring(5));
        }
        if (!uri.contains(":")) {
            return "file:" + config.dataDir().resolve(uri);
        }
        return uri;
    }

    /**
     * The storages this node reads copies from directly: its own, and in a cluster its other node-local ones and
     * the shared ones (an object store is read where it is, not through a peer). Only the home storage is
     * written and checked at start.
     */
    private Map<String, Storage> readableStorages(Storage home) {
        Map<String, Storage> out = new LinkedHashMap<>();
        out.put(home.id(), home);
        if (grid != null) {
            out.put(grid.storage().id(), grid.storage());
        }
        if (cluster != null) {
            storages.readableBy(cluster.self()).forEach((id, uri) ->
                    out.put(id, Storages.fromUri(id, resolve(uri), config.storageFsync())));
        }
        return out;
    }

    /** The DICOM port actually listened on (the configured one, or a free one when 0 was asked for). */
    public int dicomPort() {
        return server.port();
    }

    /**
     * The listeners told of each instance this node stores (after the commit, and in a cluster once the quorum
     * holds it; not for copies received from peers), on their own thread: subscribe with
     * {@code storeListeners().add(listener)}.
     */
    public StoreListeners storeListeners() {
        return storeListeners;
    }

    /**
     * The store the DICOM adapter uses (indexed, replicated, heard by the store listeners), for other senders:
     * the dose service stores its RT Dose here.
     */
    public InstanceStore store() {
        return store;
    }

    /** The retrieve service, for retrieves that are not DIMSE (WADO-RS, export, the dose service's CT reads). */
    public RetrieveService retrieveService() {
        return retrieve;
    }

    /** The dose service, or null when {@code dose.enabled} is false. */
    public DoseJobs doseJobs() {
        return doseJobs;
    }

    /** The grid tier's migrate, restore and verify, or null when the grid is off. */
    public StudyTiering tiering() {
        return tiering;
    }

    /** The tiering policy's read times and passes, or null when the grid is off. */
    public TierScheduler tierScheduler() {
        return tierScheduler;
    }

    /** The grid tier, or null when it is off. */
    public org.gridpacs.grid.Grid grid() {
        return grid;
    }

    /** The federation gateway, or null when federation is off. */
    public FederationGateway federation() {
        return federation;
    }

    /** This node's replication, or null when it runs alone. */
    public Replication replication() {
        return replication;
    }

    /** The user-facing HTTP port actually listened on. */
    public int httpPort() {
        return http.port();
    }

    /** The port of the peer endpoints; IllegalStateException when the node runs alone. */
    public int peerPort() {
        return http.peerPort();
    }

    public NodeConfig config() {
        return config;
    }

    /** Stops accepting, ends the associations, closes the index. */
    /** DICOM authenticates no one: a port reachable from the network that lets in any AE title serves anyone. */
    private void warnIfOpenToAnyone() throws IOException {
        InetAddress bind = InetAddress.getByName(config.bindAddress());
        if (!bind.isLoopbackAddress() && config.applicationEntities().acceptUnknownCallers()) {
            LOG.warn("The DICOM port {} listens on {} and lets in any calling AE title "
                    + "(security.acceptUnknownCallers = true): anyone on the network may store, query and retrieve. "
                    + "List the modalities and workstations as ae.* and set security.acceptUnknownCallers = false "
                    + "in node.properties", server.port(), config.bindAddress());
        }
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("While stopping: {}", e.toString());
            }
        }
        resources.clear();
    }
}
