package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.gateway.cluster.OrthancRest;

/**
 * Test support: Orthanc 1.10 (Debian) as a foreign federation site with DICOM TLS. Its certificate is made by our
 * own {@link SiteCertificates} (as {@code pacs federation-certs --pem} makes a gateway's): a CA of its own (O = the
 * site name), a certificate {@code CN=<Orthanc's AE title>, O=<site name>}, exported as PEM for Orthanc's
 * DicomTlsCertificate and DicomTlsPrivateKey. Orthanc trusts the CA file it is given (our site's CA) and knows our
 * gateway as a modality with "UseDicomTls": its DICOM port then speaks TLS only. Public: the cluster's federation
 * test ({@code FederatedClusterSiteTest}) has it as its third site.
 */
public final class OrthancSite implements AutoCloseable {
    public final String name;
    public final String aeTitle;
    /** Only its certificates: this site's node is never started. */
    final FederationSite certificates;
    private final Path dir;
    private Peers.Peer orthanc;
    private OrthancRest rest;

    public OrthancSite(Path dir, String name, String aeTitle) throws Exception {
        this.dir = dir;
        this.name = name;
        this.aeTitle = aeTitle;
        this.certificates = new FederationSite(dir.resolve("site"), name, aeTitle);
    }

    /** The site CA's certificate (PEM), for our site to import. */
    public Path caPem() {
        return certificates.runDir.resolve("federation/tls/" + SiteCertificates.CA_PEM);
    }

    /**
     * Starts Orthanc (AE {@link #aeTitle}) with the gateway's key and certificate exported now as PEM, trusting the
     * CA certificates in {@code trusted}, and knowing {@code gatewayAe} at {@code gatewayPort} (our federation
     * port) as the modality "gridpacs", called with DICOM TLS.
     */
    public OrthancSite start(Path trusted, String gatewayAe, int gatewayPort) throws Exception {
        return startAs(aeTitle, trusted, gatewayAe, gatewayPort);
    }

    /** As {@link #start}, Orthanc's own AE title {@code orthancAe} (not its certificate's: a misconfigured site). */
    OrthancSite startAs(String orthancAe, Path trusted, String gatewayAe, int gatewayPort) throws Exception {
        List<Path> pem = certificates.certificates().exportGatewayPem();
        Path tls = Files.createDirectories(dir.resolve("orthanc-tls"));
        Path key = Files.copy(pem.get(0), tls.resolve("orthanc.key"), StandardCopyOption.REPLACE_EXISTING);
        Path cert = Files.copy(pem.get(1), tls.resolve("orthanc.crt"), StandardCopyOption.REPLACE_EXISTING);
        Path ca = Files.copy(trusted, tls.resolve("trusted.crt"), StandardCopyOption.REPLACE_EXISTING);
        String extra = """
                  "DicomTlsEnabled" : true,
                  "DicomTlsCertificate" : "%s",
                  "DicomTlsPrivateKey" : "%s",
                  "DicomTlsTrustedCertificates" : "%s",
                  "DicomTlsRemoteCertificateRequired" : true,
                """.formatted(cert, key, ca);
        orthanc = Peers.orthanc(dir.resolve("orthanc"), orthancAe,
                Map.of("gridpacs", new Peers.Modality(gatewayAe, Peers.HOST, gatewayPort, true)), extra);
        rest = new OrthancRest(orthanc);
        return this;
    }

    public Peers.Peer peer() {
        return orthanc;
    }

    public OrthancRest rest() {
        return rest;
    }

    /** The lines of our federation.properties listing Orthanc as remote site {@code id}. */
    String remote(String id, String mayHere, String mayThere) {
        return FederationSite.remote(id, certificates, orthanc.port(), mayHere, mayThere);
    }

    /** Uploads Part 10 files through Orthanc's REST API. */
    public void upload(List<Path> files) throws IOException, InterruptedException {
        for (Path f : files) {
            rest.upload(Files.readAllBytes(f));
        }
    }

    @Override
    public void close() {
        if (orthanc != null) {
            orthanc.close();
            orthanc = null;
        }
    }
}
