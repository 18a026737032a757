package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM over TLS with mutual authentication (PS3.15 B.9): a test CA signs the server's and the client's
 * certificates, made here with Bouncy Castle and kept in PKCS#12 key stores. The server requires client
 * certificates; clients without one, with one from another CA, or trusting another CA are turned away at the
 * handshake while the server goes on serving the others.
 */
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(1);

    @TempDir
    static Path dir;
    private static Path serverKeys;
    private static Path clientKeys;
    private static Path strangerKeys;
    private static Path trustCA;
    private static Path trustOtherCA;

    private static DicomServer server;
    private static final AtomicReference<String> clientSeenByServer = new AtomicReference<>();

    @BeforeAll
    static void makeCertificatesAndStart() throws Exception {
        KeyPair caKey = ecKeyPair();
        X500Name caName = new X500Name("CN=GridPACS Test CA");
        X509Certificate ca = certificate(caName, caKey.getPublic(), caName, caKey.getPrivate(), null);
        KeyPair otherCaKey = ecKeyPair();
        X500Name otherCaName = new X500Name("CN=Some Other CA");
        X509Certificate otherCa = certificate(otherCaName, otherCaKey.getPublic(), otherCaName,
                otherCaKey.getPrivate(), null);

        serverKeys = keyStore("server.p12", caName, caKey, ca, "CN=archive.test", KeyPurposeId.id_kp_serverAuth);
        clientKeys = keyStore("client.p12", caName, caKey, ca, "CN=modality.test", KeyPurposeId.id_kp_clientAuth);
        strangerKeys = keyStore("stranger.p12", otherCaName, otherCaKey, otherCa, "CN=stranger.test",
                KeyPurposeId.id_kp_clientAuth);
        trustCA = trustStore("trust.p12", ca);
        trustOtherCA = trustStore("trust-other.p12", otherCa);

        Tls serverTls = Tls.fromKeyStores(serverKeys, PASSWORD, trustCA, PASSWORD, true);
        server = new DicomServer(settings().withTls(serverTls), policy(), new Services().find((rq, keys, responder) -> {
            SSLSession session = rq.association().tlsSession();
            clientSeenByServer.set(session.getPeerPrincipal().getName());
            DataSet match = new DataSet();
            match.setString(Tag.PatientID, VR.LO, session.getProtocol());
            responder.pending(match);
        })).start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void serverStillServes() throws Exception {
        echoWith(Tls.fromKeyStores(clientKeys, PASSWORD, trustCA, PASSWORD, false));
        awaitNoAssociation(server);
        assertNoUncaughtExceptions();
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void mutualTlsWithCertificatesFromTheCA() throws Exception {
        Tls tls = Tls.fromKeyStores(clientKeys, PASSWORD, trustCA, PASSWORD, false);
        Association as = connect(server, settings().withTls(tls));
        try {
            SSLSession session = as.tlsSession();
            assertNotNull(session);
            assertEquals("TLSv1.3", session.getProtocol());
            assertEquals("CN=archive.test", session.getPeerPrincipal().getName());
            assertEquals(Status.SUCCESS, as.echo().status());
            StringBuilder protocolSeenByServer = new StringBuilder();
            DimseResponse rsp = as.find(FIND, new DataSet(), m -> protocolSeenByServer.append(m.getString(Tag.PatientID)));
            assertEquals(Status.SUCCESS, rsp.status());
            assertEquals("TLSv1.3", protocolSeenByServer.toString());
            assertEquals("CN=modality.test", clientSeenByServer.get());
        } finally {
            as.release();
        }
    }

    @Test
    void clientWithoutACertificateFails() throws Exception {
        SSLContext noKeys = SSLContext.getInstance("TLS");
        noKeys.init(null, trustManagers(trustCA), null);
        IOException e = assertThrows(IOException.class,
                () -> connect(server, settings().withTls(new Tls(noKeys, false))));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        assertTrue(e.getMessage().contains("certificate_required") || e.getMessage().contains("bad_certificate"),
                e.getMessage());
    }

    @Test
    void clientWithACertificateFromAnotherCAFails() throws Exception {
        Tls tls = Tls.fromKeyStores(strangerKeys, PASSWORD, trustCA, PASSWORD, false);
        IOException e = assertThrows(IOException.class, () -> connect(server, settings().withTls(tls)));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }

    @Test
    void clientTrustingAnotherCAFails() throws Exception {
        Tls tls = Tls.fromKeyStores(clientKeys, PASSWORD, trustOtherCA, PASSWORD, false);
        IOException e = assertThrows(IOException.class, () -> connect(server, settings().withTls(tls)));
        assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        assertTrue(e.getMessage().contains("PKIX") || e.getMessage().contains("certification path"), e.getMessage());
    }

    @Test
    void plainDicomToTheTlsPortIsClosed() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            raw.send(rqBytes());
            // the server's TLS layer answers the plain bytes with an alert at most, then closes
            byte[] b = new byte[1024];
            int total = 0;
            try {
                for (int n; (n = raw.in.read(b)) >= 0; ) {
                    total += n;
                }
            } catch (java.net.SocketException reset) {
                // closed all the same
            }
            assertTrue(total < 100, total + " bytes in answer");
        }
    }

    @Test
    void silentClientIsClosedByArtimDuringTheHandshake() throws Exception {
        try (Raw raw = new Raw(server.port())) {
            long t0 = System.nanoTime();
            raw.expectClosed();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 400 && ms < 3_000, "closed after " + ms + " ms, ARTIM is 500 ms");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void echoWith(Tls tls) throws Exception {
        Association as = connect(server, settings().withTls(tls));
        try {
            assertEquals(Status.SUCCESS, as.echo().status());
        } finally {
            as.release();
        }
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    /** A certificate for {@code subjectKey}; a CA certificate when {@code purpose} is null. */
    private static X509Certificate certificate(X500Name subject, PublicKey subjectKey, X500Name issuer,
                                               PrivateKey issuerKey, KeyPurposeId purpose) throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.getAndIncrement()),
                new Date(now - 60_000), new Date(now + 24 * 3600_000L), subject, subjectKey);
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
        if (purpose == null) {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    /** A PKCS#12 key store with a new key and its certificate from the CA, chain included. */
    private static Path keyStore(String file, X500Name caName, KeyPair caKey, X509Certificate ca, String subject,
                                 KeyPurposeId purpose) throws Exception {
        KeyPair key = ecKeyPair();
        X509Certificate cert = certificate(new X500Name(subject), key.getPublic(), caName, caKey.getPrivate(), purpose);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", key.getPrivate(), PASSWORD, new Certificate[] {cert, ca});
        return save(ks, file);
    }

    private static Path trustStore(String file, X509Certificate ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        return save(ks, file);
    }

    private static Path save(KeyStore ks, String file) throws Exception {
        Path p = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(p)) {
            ks.store(out, PASSWORD);
        }
        return p;
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        return kmf.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path trustStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(trustStore)) {
            ks.load(in, PASSWORD);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf.getTrustManagers();
    }
}
