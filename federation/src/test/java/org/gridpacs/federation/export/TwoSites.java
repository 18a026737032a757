package org.gridpacs.federation.export;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
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
 * Test support: two sites on loopback, each with its own CA trusting the other. Site A: an archive (H2 index with
 * the federation's tables, a file storage) and an export sender; site B: an archive whose federation acceptor runs
 * the {@link FederatedStoreScp}, started and stopped at will on a fixed port.
 */
final class TwoSites implements AutoCloseable {
    static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(5_000, 5_000, 10_000, 10_000);

    final Path dir;
    final int bPort;
    final FederationSettings aSettings;
    final FederationSettings bSettings;
    final List<AuditMessage> aAudit = new CopyOnWriteArrayList<>();
    final List<AuditMessage> bAudit = new CopyOnWriteArrayList<>();
    /** Every store result at site B, in order. */
    final List<StoreResult> bStores = new CopyOnWriteArrayList<>();

    IndexDatabase aDb;
    StoreService aStore;
    RetrieveService aRetrieve;
    ExportQueue queue;
    ExportSender sender;
    IndexDatabase bDb;
    FederationAcceptor bAcceptor;
    RetrieveService bRetrieve;

    /** {@code bMayHere}: what A may do at B (B's setting for A); {@code aExtra}: more of A's settings. */
    TwoSites(Path dir, String bMayHere, String aExtra) throws Exception {
        this.dir = dir;
        this.bPort = org.gridpacs.dicom.testutil.Ports.freePort();
        certs(dir.resolve("a"), "SITE-A", "FED-A");
        certs(dir.resolve("b"), "SITE-B", "FED-B");
        new SiteCertificates(settings(dir.resolve("a"), "SITE-A", "FED-A", 0, "").tls())
                .importCa(dir.resolve("b/federation/tls/" + SiteCertificates.CA_PEM), "site-b");
        new SiteCertificates(settings(dir.resolve("b"), "SITE-B", "FED-B", 0, "").tls())
                .importCa(dir.resolve("a/federation/tls/" + SiteCertificates.CA_PEM), "site-a");
        aSettings = settings(dir.resolve("a"), "SITE-A", "FED-A", 0,
                remote("b", "SITE-B", "FED-B", bPort, "query", "query, retrieve, send") + aExtra);
        bSettings = settings(dir.resolve("b"), "SITE-B", "FED-B", bPort,
                remote("a", "SITE-A", "FED-A", 1, bMayHere, "query"));
        openA();
        bDb = IndexDatabase.openH2(dir.resolve("b/index"));
        StoreService bStoreService = new StoreService(new FileSystemStorage("b", dir.resolve("b/storage")),
                new SqlInstanceIndex(bDb), DuplicatePolicy.REJECT);
        bStoreCounting = (rq, in) -> {
            StoreResult r = bStoreService.store(rq, in);
            bStores.add(r);
            return r;
        };
        bRetrieve = new RetrieveService(new QueryService(bDb), Map.of("b",
                new FileSystemStorage("b", dir.resolve("b/storage"))));
    }

    private InstanceStore bStoreCounting;

    /** Opens (again) site A's index, store and queue: as after a restart. */
    void openA() throws Exception {
        aDb = IndexDatabase.openH2(dir.resolve("a/index"), List.of(ExportQueue.SCHEMA));
        FileSystemStorage storage = new FileSystemStorage("a", dir.resolve("a/storage"));
        aStore = new StoreService(storage, new SqlInstanceIndex(aDb), DuplicatePolicy.REJECT);
        aRetrieve = new RetrieveService(new QueryService(aDb), Map.of("a", storage));
        queue = new ExportQueue(aDb);
    }

    /** A new sender on site A's queue (not started). */
    ExportSender newSender() throws Exception {
        ExportSettings s = ExportSettings.of(dir.resolve("a/federation/export-secret"), Duration.ofMillis(200),
                Duration.ofMillis(800), Duration.ofMillis(300), List.of());
        return newSender(s);
    }

    ExportSender newSender(ExportSettings s) throws Exception {
        return new ExportSender(queue, aRetrieve, new StoredHeaders(aDb), aSettings,
                new FederationConnector(SiteTls.load(aSettings, TrustEvents.LOG), NET), s,
                SiteSecret.loadOrCreate(s.secretFile()), new AuditMessages("SITE-A", "FED-A@a"), aAudit::add);
    }

    void startB() throws Exception {
        FederatedStoreScp scp = new FederatedStoreScp(bSettings, bStoreCounting, new AuditMessages("SITE-B", "FED-B@b"),
                bAudit::add);
        bAcceptor = FederationAcceptor.start(SiteTls.load(bSettings, TrustEvents.LOG), NET,
                FederatedStoreScp.accept(FederationAcceptor.policy(bSettings)), new Services().store(scp));
    }

    void stopB() {
        if (bAcceptor != null) {
            bAcceptor.close();
            bAcceptor = null;
        }
    }

    /** Site B's instances of a study, read back from its storage. */
    List<DataSet> bStudy(String studyUid) throws Exception {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUid);
        List<DataSet> out = new ArrayList<>();
        for (IndexedInstance i : bRetrieve.resolve(QueryModel.STUDY_ROOT, keys)) {
            try (StoredInstance s = bRetrieve.open(i); InputStream in = s.dataSet()) {
                DicomInputStream dis = new DicomInputStream(in);
                dis.setTransferSyntax(s.transferSyntax());
                out.add(dis.readDataSet());
            }
        }
        return out;
    }

    /** How many instances site B holds in all. */
    long bInstances() throws Exception {
        return bDb.read(c -> org.gridpacs.archive.index.Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
    }

    private static void certs(Path runDir, String name, String ae) throws Exception {
        new SiteCertificates(settings(runDir, name, ae, 0, "").tls()).init(name, ae, List.of("127.0.0.1", "localhost"),
                2, KeyType.EC);
    }

    static FederationSettings settings(Path runDir, String name, String ae, int port, String extra) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve("federation.properties");
        Files.writeString(file, "federation.enabled = true\nfederation.site-name = " + name + "\nfederation.ae-title = "
                + ae + "\nfederation.port = " + port + "\n" + extra);
        return FederationSettings.load(file, runDir);
    }

    static String remote(String id, String name, String ae, int port, String mayHere, String mayThere) {
        String k = "federation.remote." + id + ".";
        return k + "name = " + name + "\n" + k + "ae-title = " + ae + "\n" + k + "host = 127.0.0.1\n" + k + "port = "
                + port + "\n" + k + "may-here = " + mayHere + "\n" + k + "may-there = " + mayThere + "\n";
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.close();
        }
        stopB();
        aDb.close();
        bDb.close();
    }
}
