package org.gridpacs.gateway.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.dimse.FindScp;
import org.gridpacs.archive.dimse.RetrieveScp;
import org.gridpacs.archive.dimse.StoreScp;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.repair.StartupRepair;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.Storages;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.archive.retrieve.RemoteCopies;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.membership.HazelcastMembership;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.tls.PeerTls;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.http.HealthHandler;
import org.gridpacs.replication.http.NodeHttpServer;
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
    private final List<Closeable> resources = new ArrayList<>();
    private DicomServer server;
    private NodeHttpServer http;
    private volatile Replication replication;

    private ArchiveNode(NodeConfig config, ClusterConfig cluster) {
        this.config = config;
        this.cluster = cluster;
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
        ArchiveNode node = new ArchiveNode(config, cluster);
        try {
            node.startServices();
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startServices() throws IOException {
        Files.createDirectories(config.dataDir());
        Storage storage = Storages.fromUri(config.storageId(), resolve(config.storageUri()), config.storageFsync());
        IndexDatabase database;
        try {
            // the index holds replication's tables (the outbox) as well as the archive's, standalone or not
            database = IndexDatabase.open(indexUrl(), "sa", "", 16, List.of(Replication.SCHEMA));
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot open the index " + config.indexUrl() + ": " + e.getMessage(), e);
        }
        resources.add(database);
        InstanceIndex index = new SqlInstanceIndex(database);
        try {
            new StartupRepair(index, storage).run();
        } catch (java.sql.SQLException e) {
            throw new IOException("the startup check of the index failed: " + e.getMessage(), e);
        }

        QueryService query = new QueryService(database, config.aeTitle());
        StoreService localStore = new StoreService(storage, index, config.duplicatePolicy());
        InstanceStore store = localStore;
        RemoteCopies remote = RemoteCopies.NONE;
        PeerTls tls = cluster != null && cluster.tlsEnabled() ? peerTls(cluster) : null;
        http = (tls != null ? new NodeHttpServer(config.bindAddress(), config.httpPort(), tls.serverConnectors())
                : new NodeHttpServer(config.bindAddress(), config.httpPort()))
                .route("/health", new HealthHandler(this::problem, config.aeTitle() + " DICOM port " + config.dicomPort()));
        if (cluster != null) {
            Membership membership = HazelcastMembership.start(cluster);
            resources.add(membership);
            // set before the node serves: the health check says "catching up" until its first index sync
            replication = new Replication(cluster, membership, storage, database, index, localStore,
                    tls != null ? tls.sslContext() : null);
            resources.add(replication);
            store = replication.store();
            remote = replication.remoteCopies();
            http.route("/peer/*", replication.peerHandler());
        }
        // peers may push copies as soon as they see this node: the HTTP service is up before DICOM is
        http.start();
        resources.add(http);
        RetrieveService retrieve = new RetrieveService(query, Map.of(storage.id(), storage), remote);
        RetrieveScp retrieveScp = new RetrieveScp(retrieve, config.applicationEntities(), config.aeTitle(),
                new Connector(config.network()));
        Services services = new Services()
                .store(new StoreScp(store, config.applicationEntities()))
                .find(new FindScp(query, config.applicationEntities()))
                .move(retrieveScp)
                .get(retrieveScp);
        AcceptPolicy policy = new AcceptPolicy(config.aeTitle())
                .callingAETitles(config.applicationEntities()::mayAssociate)
                .accept(UID.Verification, UID.ImplicitVRLittleEndian, UID.ExplicitVRLittleEndian)
                .accept(UIDs.storageSopClasses(), AcceptPolicy.ANY)
                .accept(QUERY_RETRIEVE, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        server = new DicomServer(config.network(), policy, services)
                .start(InetAddress.getByName(config.bindAddress()), config.dicomPort());
        resources.add(server);
        if (replication != null) {
            replication.start();
        }
        LOG.info("Archive node {} listening on port {}; storage {} at {}, index {}", config.aeTitle(), server.port(),
                storage.id(), config.storageUri(), config.indexUrl());
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

    /** The DICOM port actually listened on (the configured one, or a free one when 0 was asked for). */
    public int dicomPort() {
        return server.port();
    }

    /** This node's replication, or null when it runs alone. */
    public Replication replication() {
        return replication;
    }

    /** The HTTP port actually listened on. */
    public int httpPort() {
        return http.port();
    }

    public NodeConfig config() {
        return config;
    }

    /** Stops accepting, ends the associations, closes the index. */
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
