package org.gridpacs.gateway.node;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrails;
import org.gridpacs.federation.export.Exchange;
import org.gridpacs.federation.export.Exports;
import org.gridpacs.federation.export.FederatedStoreScp;
import org.gridpacs.federation.query.FederatedFindScp;
import org.gridpacs.federation.query.LocalIndex;
import org.gridpacs.federation.query.QueryAudit;
import org.gridpacs.federation.query.QuerySettings;
import org.gridpacs.federation.query.RemoteFindScp;
import org.gridpacs.federation.retrieve.RelayedRetrieveScp;
import org.gridpacs.federation.retrieve.RetrieveSettings;
import org.gridpacs.federation.retrieve.ServedRetrieveScp;
import org.gridpacs.federation.site.FederationAcceptor;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationPort;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.RemoteSite;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation gateway of a node (issue 15; docs/federation.md), when {@code conf/federation.properties} enables
 * it: the audit trail; trust refusals as audit Security Alerts; the gateway AE title ({@code federation.ae-title})
 * answered on the node's ordinary DICOM port for local workstations, beside the node's own AE (which stays
 * local-only); and the federation TLS port for the other sites. The federated services register their handlers
 * on both in {@link #registerServices}.
 */
public final class FederationGateway implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(FederationGateway.class);
    /** The C-FIND models of the federated query, in the uncompressed syntaxes (identifiers are small). */
    static final List<String> FIND = List.of(UID.PatientRootQueryRetrieveInformationModelFind,
            UID.StudyRootQueryRetrieveInformationModelFind);

    /**
     * Where the federation's files are: {@code conf/} (federation.properties, audit.properties), the run folder;
     * and for a cluster member, where its own federation port listens ({@code member}, else null: federation.bind
     * and federation.port, as a single node does).
     */
    public record Setup(Path confDir, Path runFolder, Member member) {
        public Setup(Path confDir, Path runFolder) {
            this(confDir, runFolder, null);
        }
    }

    /**
     * A cluster member's federation port: every member runs the gateway, and the site's federation entry
     * (federation.bind:federation.port) is HAProxy's, passing TLS through to the members' own ports (docs/federation.md,
     * "A cluster as a site").
     *
     * @param name the member's name
     * @param host its cluster address (its cluster.node line): the port listens there, where HAProxy reaches it
     * @param port the sixth field of its cluster.node line, -1 when the line has none
     */
    public record Member(String name, String host, int port) {
    }

    /** An application entity being wired: what it accepts (add abstract syntaxes) and its handlers. */
    public record Endpoint(AcceptPolicy policy, Services services) {
    }

    private final FederationContext context;
    private final AuditTrails trail;
    private final FederationAcceptor acceptor;

    private final FederatedFindScp federatedFind;
    private final Exchange exchange;

    private FederationGateway(FederationContext context, AuditTrails trail, FederationAcceptor acceptor,
                              FederatedFindScp federatedFind, Exchange exchange) {
        this.context = context;
        this.trail = trail;
        this.acceptor = acceptor;
        this.federatedFind = federatedFind;
        this.exchange = exchange;
    }

    /**
     * Starts the gateway when {@code setup}'s federation.properties exists and enables it (else null): registers
     * the gateway AE on {@code server} (before or after it starts) and opens the federation port. A bad setting or
     * TLS file is an IOException naming it: the node does not start half-federated.
     *
     * @param nodeName this node's name (cluster member name, or its AE title alone), for the audit source
     */
    static FederationGateway startIfEnabled(Setup setup, NodeConfig config, String nodeName, QueryService query,
                                            RetrieveService retrieve, InstanceStore store, DicomServer server,
                                            IndexDatabase db,
                                            Handlers.Retrieve localRetrieve,
                                            StoreListeners storeListeners)
            throws IOException {
        Path file = setup.confDir().resolve(FederationPort.FILE);
        if (!Files.exists(file)) {
            return null;
        }
        FederationSettings settings = FederationSettings.load(file, setup.runFolder());
        if (!settings.enabled()) {
            LOG.info("Federation is off ({}: federation.enabled = false)", file);
            return null;
        }
        if (setup.member() != null) {
            settings = memberSettings(settings, setup.member(), file);
        }
        if (settings.aeTitle().equals(config.aeTitle())) {
            throw new IOException(file + ": federation.ae-title " + settings.aeTitle() + " is the node's own AE title "
                    + "(dicom.aeTitle): the local AE stays local-only, the gateway needs another one");
        }
        QuerySettings querySettings = QuerySettings.load(file);
        AuditTrails trail;
        try {
            trail = AuditTrails.open(setup.confDir().resolve("audit.properties"), config.dataDir());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the audit trail (" + setup.confDir().resolve("audit.properties") + "): "
                    + e.getMessage(), e);
        }
        ExecutorService threads = null;
        Exchange exchange = null;
        try {
            AuditMessages messages = new AuditMessages(settings.siteName(), settings.aeTitle() + "@" + nodeName);
            SiteTls tls = SiteTls.load(settings, TrustEvents.LOG.andThen(auditing(settings, trail, messages)));
            threads = daemonThreads();
            FederationContext ctx = new FederationContext(settings, tls, new FederationConnector(tls, config.network()),
                    trail, messages, localIndex(query), query, retrieve, store, config, threads);
            Endpoint gatewayAe = new Endpoint(new AcceptPolicy(settings.aeTitle())
                    .callingAETitles(config.applicationEntities()::mayAssociate)
                    .accept(UID.Verification, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian),
                    new Services());
            Endpoint federationPort = new Endpoint(FederationAcceptor.policy(settings), new Services());
            FederatedFindScp federatedFind = registerServices(ctx, querySettings, gatewayAe, federationPort);
            // item 3, cross-site retrieve: relayed for local requesters (this archive's own studies served by the
            // node's own SCP), this archive served to other sites on the federation port
            RelayedRetrieveScp relayed =
                    new RelayedRetrieveScp(settings,
                            RetrieveSettings.load(file), config.applicationEntities(),
                            new Connector(config.network()), ctx.connector(), messages, trail,
                            retrieve, localRetrieve, store);
            ServedRetrieveScp.accept(gatewayAe.policy());
            gatewayAe.services().move(relayed).get(relayed);
            ServedRetrieveScp served =
                    new ServedRetrieveScp(tls, config.network(), query, retrieve,
                            messages, trail);
            ServedRetrieveScp.accept(federationPort.policy());
            federationPort.services().move(served).get(served);
            // item 4, exchange: the export queue and forwarding rules, C-STORE from other sites on the federation port
            exchange = Exchange.start(file, setup.runFolder(), tls, config.network(), db,
                    retrieve, store, messages, trail);
            storeListeners.add(exchange.forwarding());
            FederatedStoreScp.accept(federationPort.policy());
            federationPort.services().store(exchange.storeScp());
            server.answer(settings.aeTitle(), gatewayAe.policy(), gatewayAe.services());
            FederationAcceptor acceptor = FederationAcceptor.start(tls, config.network(), federationPort.policy(),
                    federationPort.services());
            LOG.info("Federation: site {}, gateway AE {} (also on the DICOM port), DICOM TLS port {}:{}, query "
                    + "timeout {} s, {} remote site(s): {}", settings.siteName(), settings.aeTitle(),
                    settings.bindAddress(), acceptor.port(), querySettings.timeout().toSeconds(),
                    settings.remotes().size(), settings.remotes());
            return new FederationGateway(ctx, trail, acceptor, federatedFind, exchange);
        } catch (GeneralSecurityException e) {
            closeQuietly(exchange);
            close(trail, threads);
            throw new IOException("federation TLS (" + file + "): " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(exchange);
            close(trail, threads);
            throw e;
        }
    }

    /** The site's settings with the member's own federation port in place of the site entry's. */
    static FederationSettings memberSettings(FederationSettings site, Member member, Path file) throws IOException {
        if (member.port() < 0) {
            throw new IOException(file + " enables federation, and in a cluster each member needs its own federation "
                    + "port: add it as the sixth field of cluster.node." + member.name() + " (host DICOM-port HTTP-port "
                    + "membership-port peer-port federation-port); federation.port (" + site.port() + ") is the site's "
                    + "entry, HAProxy's");
        }
        if (member.port() == site.port() && site.port() != 0) {
            throw new IOException("cluster.node." + member.name() + ": its federation port " + member.port()
                    + " is federation.port of " + file + ", the site's entry (HAProxy's): give the member another one");
        }
        return new FederationSettings(site.enabled(), site.siteName(), site.aeTitle(), member.host(), member.port(),
                site.tls(), site.remotes());
    }

    private static void closeQuietly(Exchange exchange) {
        if (exchange != null) {
            exchange.close();
        }
    }

    /** The exports to other sites ({@code pacs export}, the forwarding rules). */
    public Exports exports() {
        return exchange.exports();
    }

    /**
     * The federated services, each registered on the gateway AE of the ordinary DICOM port (local workstations:
     * add the abstract syntaxes to {@code gatewayAe.policy()}, the handlers to {@code gatewayAe.services()}) and on
     * the federation TLS port (other sites: {@code federationPort}). One line per service; each service's own
     * package does the rest.
     */
    private static FederatedFindScp registerServices(FederationContext ctx, QuerySettings querySettings,
                                                     Endpoint gatewayAe, Endpoint federationPort) {
        // item 2, federated query: fan-out for local requesters, our index only for other sites
        QueryAudit queryAudit = new QueryAudit(ctx.trail(), ctx.audit(), ctx.settings().siteName(),
                ctx.settings().aeTitle());
        gatewayAe.policy().accept(FIND, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        FederatedFindScp federatedFind = new FederatedFindScp(ctx.settings().aeTitle(), ctx.localIndex(),
                ctx.connector(), () -> ctx.settings().remotes(), querySettings, queryAudit,
                ctx.node().applicationEntities()::mayQuery, ctx.threads());
        gatewayAe.services().find(federatedFind);
        federationPort.policy().accept(FIND, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        federationPort.services().find(new RemoteFindScp(ctx.settings(), ctx.localIndex(), queryAudit));
        // item 3, cross-site retrieve (org.gridpacs.federation.retrieve): C-MOVE / C-GET on both endpoints here
        // item 4, exchange (org.gridpacs.federation.export): C-STORE from other sites on federationPort here
        return federatedFind;
    }

    /** The archive's query service as the federated query asks it. */
    static LocalIndex localIndex(QueryService query) {
        return (sopClassUid, keys, onMatch) -> {
            QueryModel model = QueryModel.ofSOPClass(sopClassUid).orElseThrow(() -> new DimseException(
                    Status.SOP_CLASS_NOT_SUPPORTED, "C-FIND is offered in Patient Root and Study Root only"));
            try {
                query.find(model, keys, onMatch);
            } catch (QueryException e) {
                throw new DimseException(e.status(), e.getMessage(), e);
            }
        };
    }

    /** Trust refusals (handshake, certificate, AE title) as audit Security Alerts, Node Authentication. */
    private static TrustEvents auditing(FederationSettings settings, AuditTrails trail, AuditMessages messages) {
        return (site, reason, peer) -> {
            String host = host(peer);
            String ae = settings.remote(site).map(RemoteSite::aeTitle).orElse("UNKNOWN");
            trail.record(messages.securityAlert(AuditCode.NODE_AUTHENTICATION,
                    new ActiveParticipant(settings.aeTitle(), settings.siteName(), null, false, AuditCode.APPLICATION),
                    new ActiveParticipant(ae, site, host, true, AuditCode.SOURCE),
                    site + "@" + (host != null ? host : "unknown address"), reason));
        };
    }

    private static String host(SocketAddress peer) {
        if (peer instanceof InetSocketAddress i) {
            return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        }
        return null;
    }

    private static ExecutorService daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "federation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static void close(AuditTrails trail, ExecutorService threads) {
        if (threads != null) {
            threads.shutdownNow();
        }
        try {
            trail.close();
        } catch (IOException e) {
            LOG.warn("While closing the audit trail: {}", e.toString());
        }
    }

    /** What the federated services were given. */
    public FederationContext context() {
        return context;
    }

    /** The federation TLS port listened on. */
    public int federationPort() {
        return acceptor.port();
    }

    @Override
    public void close() {
        acceptor.close();
        federatedFind.close(); // the associations kept open to other sites, before the audit trail closes
        exchange.close();
        close(trail, context.threads());
    }
}
