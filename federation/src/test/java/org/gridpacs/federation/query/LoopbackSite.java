package org.gridpacs.federation.query;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.dimse.FindScp;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrails;
import org.gridpacs.federation.retrieve.RelayedRetrieveScp;
import org.gridpacs.federation.retrieve.RetrieveSettings;
import org.gridpacs.federation.retrieve.ServedRetrieveScp;
import org.gridpacs.federation.site.FederationAcceptor;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.gridpacs.pki.KeyType;

/**
 * Test and benchmark support: one federation site in this JVM, on loopback, as the gateway wires it
 * (FederationGateway, gateway module) but without a node: its own CA and gateway certificate, an archive (H2
 * index, file storage) in a folder, its own C-FIND SCP (AE {@code PACS}) on a plain port, its federation TLS port
 * ({@link RemoteFindScp}, {@link ServedRetrieveScp}) and, when asked, the gateway AE on a plain port for local
 * workstations ({@link FederatedFindScp}, {@link RelayedRetrieveScp}). The audit trail is the node's
 * ({@link AuditTrails}: the local log, fsync on) in {@code dir/audit}.
 */
public final class LoopbackSite implements AutoCloseable {
    public static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(15_000, 15_000, 60_000, 60_000);
    public static final String LOCAL_AE = "PACS";

    public final Path dir;
    public final String name;
    public final String aeTitle;
    private final IndexDatabase db;
    private final StoreService store;
    private final QueryService query;
    private final RetrieveService retrieve;
    private final DicomServer local;
    private final AuditTrails trail;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "site-query");
        t.setDaemon(true);
        return t;
    });
    private final FederationSettings.TlsFiles tlsFiles;
    private FederationSettings settings;
    private FederationAcceptor acceptor;
    private DicomServer gateway;
    private FederatedFindScp federatedFind;
    /** Wraps the federation port's C-FIND SCP (e.g. to see which association each query came on); null: none. */
    public volatile java.util.function.Consumer<org.gridpacs.dicom.net.DimseRequest> onRemoteFind;
    /** Answers the federation port's C-FIND instead of the site's index (a site behaving in some way); null: none. */
    public volatile Handlers.Find remoteFindInstead;

    /** A site with its certificates made (not yet trusting anyone) and its local C-FIND SCP listening. */
    public LoopbackSite(Path dir, String name, String aeTitle, int localPort) throws Exception {
        this.dir = dir;
        this.name = name;
        this.aeTitle = aeTitle;
        Files.createDirectories(dir);
        tlsFiles = settings("").tls();
        new SiteCertificates(tlsFiles).init(name, aeTitle, List.of("127.0.0.1", "localhost"), 2,
                KeyType.EC);
        db = IndexDatabase.openH2(dir.resolve("index"));
        FileSystemStorage storage = new FileSystemStorage(name.toLowerCase(), dir.resolve("storage"), false);
        store = new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
        query = new QueryService(db, LOCAL_AE);
        retrieve = new RetrieveService(query, Map.of(storage.id(), storage));
        trail = AuditTrails.open(dir.resolve("audit.properties"), dir);
        AcceptPolicy policy = new AcceptPolicy(LOCAL_AE)
                .accept(UID.Verification, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian)
                .accept(UID.PatientRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian);
        local = new DicomServer(NET, policy, new Services().find(new FindScp(query,
                new ApplicationEntities(Map.of(), true)))).start(InetAddress.getLoopbackAddress(), localPort);
    }

    /** This site trusts {@code other}'s CA. */
    public void trust(LoopbackSite other) throws Exception {
        new SiteCertificates(tlsFiles).importCa(other.caPem(), other.name.toLowerCase());
    }

    /** The gateway's key and certificate as PEM files (for DCMTK's +tls): [key, certificate]. */
    public List<Path> gatewayPem() throws Exception {
        return new SiteCertificates(tlsFiles).exportGatewayPem();
    }

    public Path caPem() {
        return dir.resolve("federation/tls/" + SiteCertificates.CA_PEM);
    }

    /** The {@code federation.remote.*} block for {@code other} as listed here. */
    public static String remote(LoopbackSite other, int port, String mayHere, String mayThere) {
        String k = "federation.remote." + other.name.toLowerCase() + ".";
        return k + "name = " + other.name + "\n" + k + "ae-title = " + other.aeTitle + "\n" + k + "host = 127.0.0.1\n"
                + k + "port = " + port + "\n" + k + "may-here = " + mayHere + "\n" + k + "may-there = " + mayThere
                + "\n";
    }

    /**
     * Opens the federation TLS port on {@code federationPort} (0: any) with {@code remotes} as the remote sites,
     * and, when {@code gatewayPort} is not negative, the gateway AE for local workstations on it.
     *
     * @param destinations move destinations local workstations may name: AE title to port on 127.0.0.1
     */
    public void start(int federationPort, String remotes, int gatewayPort, Map<String, Integer> destinations,
                      QuerySettings querySettings) throws Exception {
        settings = settings("federation.port = " + federationPort + "\n" + remotes);
        SiteTls tls = SiteTls.load(settings, TrustEvents.LOG);
        AuditMessages messages = new AuditMessages(name, aeTitle + "@loopback");
        QueryAudit audit = new QueryAudit(trail, messages, name, aeTitle);
        startAcceptor(tls, messages, audit);
        if (gatewayPort < 0) {
            return;
        }
        FederationConnector connector = new FederationConnector(tls, NET);
        federatedFind = new FederatedFindScp(aeTitle, localIndex(), connector, settings::remotes, querySettings,
                audit, ae -> true, threads);
        Map<String, ApplicationEntities.KnownAE> known = new HashMap<>();
        destinations.forEach((ae, port) -> known.put(ae, new ApplicationEntities.KnownAE(ae, "127.0.0.1", port,
                false, false, false)));
        RelayedRetrieveScp relayed = new RelayedRetrieveScp(settings, RetrieveSettings.DEFAULT,
                new ApplicationEntities(known, true), new Connector(NET), connector, messages, trail);
        AcceptPolicy policy = new AcceptPolicy(aeTitle)
                .accept(UID.Verification, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian)
                .accept(UID.PatientRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian)
                .accept(ServedRetrieveScp.SOP_CLASSES, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(UIDs.storageSopClasses(), AcceptPolicy.ANY);
        gateway = new DicomServer(NET, policy, new Services().find(federatedFind).move(relayed).get(relayed))
                .start(InetAddress.getLoopbackAddress(), gatewayPort);
    }

    private void startAcceptor(SiteTls tls, AuditMessages messages, QueryAudit audit) throws IOException {
        RemoteFindScp remoteFind = new RemoteFindScp(settings, localIndex(), audit);
        Handlers.Find find = (rq, identifier, responder) -> {
            var seen = onRemoteFind;
            if (seen != null) {
                seen.accept(rq);
            }
            Handlers.Find instead = remoteFindInstead;
            (instead != null ? instead : remoteFind).find(rq, identifier, responder);
        };
        ServedRetrieveScp served = new ServedRetrieveScp(tls, NET, query, retrieve, messages, trail);
        AcceptPolicy policy = ServedRetrieveScp.accept(FederationAcceptor.policy(settings))
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian)
                .accept(UID.PatientRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian,
                        UID.ImplicitVRLittleEndian);
        acceptor = FederationAcceptor.start(tls, NET, policy, new Services().find(find).get(served).move(served));
    }

    /** Stops the federation port (its associations aborted), as a site that goes down. */
    public void stopFederationPort() {
        acceptor.close();
    }

    /** Opens the federation port again, on the same port, as a site that comes back. */
    public void restartFederationPort() throws Exception {
        SiteTls tls = SiteTls.load(settings, TrustEvents.LOG);
        AuditMessages messages = new AuditMessages(name, aeTitle + "@loopback");
        startAcceptor(tls, messages, new QueryAudit(trail, messages, name, aeTitle));
    }

    public int federationPort() {
        return acceptor.port();
    }

    public int localPort() {
        return local.port();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    /**
     * A workstation's study-level C-FIND (Study Instance UID, Patient ID) to the gateway AE, on an association of its
     * own as findscu makes it; each match to {@code onMatch}, the final response returned.
     */
    public org.gridpacs.dicom.net.DimseResponse findAtGateway(java.util.function.Consumer<DataSet> onMatch)
            throws Exception {
        org.gridpacs.dicom.net.pdu.AAssociateRQ rq = new org.gridpacs.dicom.net.pdu.AAssociateRQ("VIEWER", aeTitle);
        rq.addPresentationContext(new org.gridpacs.dicom.net.pdu.PresentationContext.RQ(1,
                UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian));
        DataSet keys = new DataSet();
        keys.setString(org.gridpacs.dicom.data.Tag.QueryRetrieveLevel, org.gridpacs.dicom.data.VR.CS, "STUDY");
        keys.setNull(org.gridpacs.dicom.data.Tag.StudyInstanceUID, org.gridpacs.dicom.data.VR.UI);
        keys.setNull(org.gridpacs.dicom.data.Tag.PatientID, org.gridpacs.dicom.data.VR.LO);
        try (org.gridpacs.dicom.net.Association as = new Connector(NET).connect("127.0.0.1", gatewayPort(), rq, null)) {
            org.gridpacs.dicom.net.DimseResponse last = as.find(UID.StudyRootQueryRetrieveInformationModelFind, keys,
                    onMatch);
            as.release();
            return last;
        }
    }

    public FederationSettings federationSettings() {
        return settings;
    }

    /** Associations the gateway keeps open to other sites between queries. */
    public int keptAssociations() {
        return federatedFind.keptAssociations();
    }

    public QueryService queryService() {
        return query;
    }

    public RetrieveService retrieveService() {
        return retrieve;
    }

    /** Stores each data set (Explicit VR Little Endian) as a modality would. */
    public void store(List<DataSet> instances) throws Exception {
        for (DataSet ds : instances) {
            store.store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"),
                    new ByteArrayInputStream(encode(ds)));
        }
    }

    public static byte[] encode(DataSet ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(ds);
        dos.finish();
        return out.toByteArray();
    }

    /** The archive's query service as the federated query asks it (as the gateway module wires it). */
    private LocalIndex localIndex() {
        return (sopClassUid, keys, onMatch) -> {
            QueryModel model = QueryModel.ofSOPClass(sopClassUid).orElseThrow(() -> new DimseException(
                    org.gridpacs.dicom.net.dimse.Status.SOP_CLASS_NOT_SUPPORTED, "Patient or Study Root only"));
            try {
                query.find(model, keys, onMatch);
            } catch (QueryException e) {
                throw new DimseException(e.status(), e.getMessage(), e);
            }
        };
    }

    private FederationSettings settings(String extra) throws IOException {
        Path file = dir.resolve("federation.properties");
        Files.writeString(file, "federation.enabled = true\nfederation.site-name = " + name + "\nfederation.ae-title = "
                + aeTitle + "\nfederation.bind = 127.0.0.1\n" + (extra.contains("federation.port") ? ""
                : "federation.port = 0\n") + extra, StandardCharsets.UTF_8);
        return FederationSettings.load(file, dir);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        if (gateway != null) {
            all.add(gateway::close);
        }
        if (federatedFind != null) {
            all.add(federatedFind::close);
        }
        if (acceptor != null) {
            all.add(acceptor::close);
        }
        all.add(local::close);
        all.add(trail::close);
        all.add(db::close);
        all.add(threads::shutdownNow);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                // closing: the rest still goes
            }
        }
    }
}
