package org.gridpacs.federation.retrieve;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.dimse.FindScp;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.ForwardingStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.federation.audit.AuditMessage;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.site.FederationAcceptor;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.gridpacs.pki.KeyType;

/**
 * Two sites on this machine, each with its own CA, trusting each other: site B an archive (index, storage, store
 * and retrieve services in a folder) with a study stored, answering on its federation TLS port with the
 * {@link ServedRetrieveScp} and, standing in for the federated C-FIND (another package), the archive's own
 * {@link FindScp}; site A's relay, the {@link RelayedRetrieveScp} on a plain {@link DicomServer} standing in for the
 * gateway's federation AE on the node's port. Move destinations are given by the test.
 */
final class TwoSites implements AutoCloseable {
    static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(15_000, 15_000, 30_000, 30_000);
    static final String A_AE = "FEDERATION";
    static final String B_AE = "FED-B";

    final Path dir;
    final String studyUID = Implementation.newUID();
    final List<AuditMessage> auditA = new CopyOnWriteArrayList<>();
    final List<AuditMessage> auditB = new CopyOnWriteArrayList<>();
    final IndexDatabase dbB;
    /** How many instances site B's retrieves opened: B opens the next only once the previous C-STORE was answered. */
    final AtomicInteger readsAtB = new AtomicInteger();
    final QueryService queryB;
    final RetrieveService retrieveB;
    final FederationSettings aSettings;
    final FederationSettings bSettings;
    FederationAcceptor acceptorB;
    DicomServer relay;

    /**
     * @param bAllowsA    site B's {@code may-here} for site A (e.g. "query, retrieve")
     * @param instances   how many instances the study at site B has
     * @param pixels      rows and columns of each (CT, 16 bits)
     * @param destinations the move destinations site A's node knows: AE title to port on 127.0.0.1
     */
    TwoSites(Path dir, String bAllowsA, int instances, int pixels, Map<String, Integer> destinations) throws Exception {
        this(dir, bAllowsA, instances, pixels, destinations, () -> 1);
    }

    /** Where site B believes site A's gateway listens (for a C-MOVE at B to A): asked once the certificates exist. */
    @FunctionalInterface
    interface PortOfA {
        int port() throws Exception;
    }

    /** @param aAtB where site B reaches site A's federation AE: asked after both sites' certificates are made */
    TwoSites(Path dir, String bAllowsA, int instances, int pixels, Map<String, Integer> destinations, PortOfA aAtB)
            throws Exception {
        this.dir = dir;
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        FederationSettings aFiles = settings(a, "SITE-A", A_AE, "");
        FederationSettings bFiles = settings(b, "SITE-B", B_AE, "");
        new SiteCertificates(aFiles.tls()).init("SITE-A", A_AE, List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
        new SiteCertificates(bFiles.tls()).init("SITE-B", B_AE, List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
        new SiteCertificates(aFiles.tls()).importCa(caPem(b), "site-b");
        new SiteCertificates(bFiles.tls()).importCa(caPem(a), "site-a");

        dbB = IndexDatabase.openH2(b.resolve("index"));
        FileSystemStorage storage = new FileSystemStorage("b1", b.resolve("storage"), false);
        StoreService store = new StoreService(storage, new SqlInstanceIndex(dbB), DuplicatePolicy.REJECT);
        queryB = new QueryService(dbB, B_AE);
        retrieveB = new RetrieveService(queryB, Map.of(storage.id(), new CountingReads(storage, readsAtB)));
        String series = Implementation.newUID();
        for (int i = 0; i < instances; i++) {
            DataSet ds = SyntheticInstances.ct("PB1", studyUID, series, i + 1, i);
            if (pixels != 32) {
                ds.setInt(Tag.Rows, VR.US, pixels);
                ds.setInt(Tag.Columns, VR.US, pixels);
                byte[] px = new byte[pixels * pixels * 2];
                for (int k = 0; k < px.length; k += 2) {
                    px[k] = (byte) (k * 7 + i);
                    px[k + 1] = (byte) ((k >> 9) & 0x0F);
                }
                ds.setBytes(Tag.PixelData, VR.OW, px);
            }
            store.store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"), new ByteArrayInputStream(encode(ds)));
        }

        bSettings = settings(b, "SITE-B", B_AE, remote("a", "SITE-A", A_AE, aAtB.port(), bAllowsA, ""));
        SiteTls bTls = SiteTls.load(bSettings, TrustEvents.LOG);
        ServedRetrieveScp served = new ServedRetrieveScp(bTls, NET, queryB, retrieveB,
                new AuditMessages("SITE-B", B_AE + "@test"), auditB::add);
        AcceptPolicy bPolicy = ServedRetrieveScp.accept(FederationAcceptor.policy(bSettings))
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        acceptorB = FederationAcceptor.start(bTls, NET, bPolicy, new Services().get(served).move(served)
                .find(new FindScp(queryB, new ApplicationEntities(Map.of(), true))));

        aSettings = settings(a, "SITE-A", A_AE, remote("b", "SITE-B", B_AE, acceptorB.port(), "", "query, retrieve"));
        FederationConnector connector = new FederationConnector(SiteTls.load(aSettings, TrustEvents.LOG), NET);
        java.util.Map<String, ApplicationEntities.KnownAE> known = new java.util.HashMap<>();
        destinations.forEach((ae, port) -> known.put(ae, new ApplicationEntities.KnownAE(ae, "127.0.0.1", port,
                false, false, false)));
        RelayedRetrieveScp relayed = new RelayedRetrieveScp(aSettings, RetrieveSettings.DEFAULT,
                new ApplicationEntities(known, true), new Connector(NET), connector,
                new AuditMessages("SITE-A", A_AE + "@test"), auditA::add);
        AcceptPolicy aPolicy = new AcceptPolicy(A_AE)
                .accept(UID.Verification, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(ServedRetrieveScp.SOP_CLASSES, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(UIDs.storageSopClasses(), AcceptPolicy.ANY);
        relay = new DicomServer(NET, aPolicy, new Services().move(relayed).get(relayed))
                .start(InetAddress.getLoopbackAddress(), 0);
    }

    private static Path caPem(Path runDir) {
        return runDir.resolve("federation/tls/" + SiteCertificates.CA_PEM);
    }

    private static FederationSettings settings(Path runDir, String name, String ae, String extra) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve("federation.properties");
        Files.writeString(file, "federation.enabled = true\nfederation.site-name = " + name + "\nfederation.ae-title = "
                + ae + "\nfederation.bind = 127.0.0.1\nfederation.port = 0\n" + extra, StandardCharsets.UTF_8);
        return FederationSettings.load(file, runDir);
    }

    private static String remote(String id, String name, String ae, int port, String mayHere, String mayThere) {
        String k = "federation.remote." + id + ".";
        return k + "name = " + name + "\n" + k + "ae-title = " + ae + "\n" + k + "host = 127.0.0.1\n" + k + "port = "
                + port + "\n" + (mayHere.isEmpty() ? "" : k + "may-here = " + mayHere + "\n")
                + (mayThere.isEmpty() ? "" : k + "may-there = " + mayThere + "\n");
    }

    static byte[] encode(DataSet ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomOutputStream dos = new DicomOutputStream(out);
        dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        dos.writeDataSet(ds);
        dos.finish();
        return out.toByteArray();
    }

    /** The study's instances at site B. */
    List<IndexedInstance> studyAtB() throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
        return retrieveB.resolve(QueryModel.STUDY_ROOT, id);
    }

    /** An instance's data set as site B holds it, and its stored bytes (data set only, no meta). */
    byte[] storedBytes(IndexedInstance i) throws IOException {
        try (StoredInstance s = retrieveB.open(i)) {
            return s.dataSet().readAllBytes();
        }
    }

    DataSet storedDataSet(IndexedInstance i) throws IOException {
        try (StoredInstance s = retrieveB.open(i)) {
            DicomInputStream in = new DicomInputStream(s.dataSet());
            in.setTransferSyntax(s.transferSyntax());
            return in.readDataSet();
        }
    }

    /** The study-level identifier of the study at site B. */
    DataSet studyKeys() {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
        return keys;
    }

    List<AuditMessage> events(List<AuditMessage> audit, org.gridpacs.federation.audit.AuditEvent event) {
        List<AuditMessage> out = new ArrayList<>();
        for (AuditMessage m : audit) {
            if (m.event() == event) {
                out.add(m);
            }
        }
        return out;
    }

    void stopSiteB() {
        acceptorB.close();
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
        if (acceptorB != null) {
            acceptorB.close();
        }
        dbB.close();
    }

    /** Site B's storage, counting whole reads. */
    private static final class CountingReads extends ForwardingStorage {
        private final AtomicInteger reads;

        CountingReads(Storage storage, AtomicInteger reads) {
            super(storage);
            this.reads = reads;
        }

        @Override
        public java.io.InputStream open(String key) throws IOException {
            reads.incrementAndGet();
            return storage.open(key);
        }
    }
}
