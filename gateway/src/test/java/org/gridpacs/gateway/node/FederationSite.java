package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.audit.AuditLogReader;
import org.gridpacs.federation.audit.AuditRecord;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.pki.KeyType;

/**
 * Test support: one hospital site on loopback, an archive node (AE PACS) with its federation gateway, in a folder
 * of its own: conf/ (federation.properties, audit.properties), the run folder with its own site CA and gateway
 * certificate made by {@link SiteCertificates}, as {@code pacs federation-certs} makes them.
 */
final class FederationSite implements AutoCloseable {
    static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(5_000, 5_000, 20_000, 20_000);
    final String name;
    final String aeTitle;
    final Path runDir;
    final Path confDir;
    private ArchiveNode node;

    FederationSite(Path dir, String name, String aeTitle) throws Exception {
        this.name = name;
        this.aeTitle = aeTitle;
        this.runDir = dir.resolve("run");
        this.confDir = dir.resolve("conf");
        Files.createDirectories(confDir);
        configure("");
        certificates().init(name, aeTitle, List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
    }

    SiteCertificates certificates() throws IOException {
        return new SiteCertificates(FederationSettings.load(confDir.resolve("federation.properties"), runDir).tls());
    }

    void trust(FederationSite other) throws Exception {
        certificates().importCa(other.runDir.resolve("federation/tls/" + SiteCertificates.CA_PEM),
                other.name.toLowerCase());
    }

    /** Writes federation.properties: this site on a port of the system's choice, with {@code extra} lines. */
    void configure(String extra) throws IOException {
        configure(extra, 0);
    }

    /** As {@link #configure(String)}, the federation port at {@code port} (0: the system's choice). */
    void configure(String extra, int port) throws IOException {
        Files.writeString(confDir.resolve("federation.properties"), "federation.enabled = true\n"
                + "federation.site-name = " + name + "\nfederation.ae-title = " + aeTitle + "\nfederation.port = "
                + port + "\n" + extra);
    }

    /** The lines listing {@code other} as a remote site at {@code port}. */
    static String remote(String id, FederationSite other, int port, String mayHere, String mayThere) {
        String k = "federation.remote." + id + ".";
        return k + "name = " + other.name + "\n" + k + "ae-title = " + other.aeTitle + "\n" + k
                + "host = 127.0.0.1\n" + k + "port = " + port + "\n" + k + "may-here = " + mayHere + "\n" + k
                + "may-there = " + mayThere + "\n";
    }

    ArchiveNode start() throws IOException {
        return start(new Properties());
    }

    /** As {@link #start()}, with {@code extra} node settings (e.g. {@code ae.STORESCP}, a C-MOVE destination). */
    ArchiveNode start(Properties extra) throws IOException {
        Properties p = new Properties();
        p.setProperty("dicom.aeTitle", "PACS");
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("dicom.artimTimeout", "10");
        p.setProperty("storage.fsync", "false");
        p.putAll(extra);
        node = ArchiveNode.start(NodeConfig.from(p, runDir.resolve("data")), null, null, DoseSetup.defaults(),
                org.gridpacs.grid.GridSettings.OFF, new FederationGateway.Setup(confDir, runDir));
        return node;
    }

    ArchiveNode node() {
        return node;
    }

    int federationPort() {
        return node.federation().federationPort();
    }

    /** Stores the instances through the node's own AE (PACS). */
    void store(DataSet... instances) throws Exception {
        AAssociateRQ rq = new AAssociateRQ("MODALITY", "PACS");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(NET).connect("127.0.0.1", node.dicomPort(), rq, null)) {
            for (DataSet ds : instances) {
                DimseResponse r = RunningNode.store(as, ds);
                if (r.status() != Status.SUCCESS) {
                    throw new IOException("store failed: " + r.describe());
                }
            }
            as.release();
        }
    }

    /** A Study Root C-FIND from {@code calling} to {@code called} on the node's DICOM port: matches and final. */
    record Answer(List<DataSet> matches, DimseResponse last, long millis) {
    }

    Answer find(String calling, String called, DataSet keys) throws Exception {
        AAssociateRQ rq = new AAssociateRQ(calling, called);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.PatientRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        List<DataSet> matches = new ArrayList<>();
        long t0 = System.nanoTime();
        try (Association as = new Connector(NET).connect("127.0.0.1", node.dicomPort(), rq, null)) {
            String sop = "PATIENT".equals(keys.getString(Tag.QueryRetrieveLevel))
                    ? UID.PatientRootQueryRetrieveInformationModelFind : UID.StudyRootQueryRetrieveInformationModelFind;
            DimseResponse last = as.find(sop, keys, matches::add);
            as.release();
            return new Answer(matches, last, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    List<AuditRecord> audit() throws IOException {
        return AuditLogReader.readAll(runDir.resolve("data/audit"));
    }

    void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
