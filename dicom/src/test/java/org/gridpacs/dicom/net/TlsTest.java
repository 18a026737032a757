package org.gridpacs.dicom.net;

import static org.gridpacs.dicom.net.NetTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.TlsContexts;

/**
 * DICOM over TLS with mutual authentication (PS3.15 B.9): a test CA signs the server's and the client's
 * certificates, made here with the pki module's CertificateAuthority and kept in PKCS#12 key stores. The server requires client
 * certificates; clients without one, with one from another CA, or trusting another CA are turned away at the
 * handshake while the server goes on serving the others.
 */
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();

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
        CertificateAuthority ca = ca("CN=GridPACS Test CA");
        CertificateAuthority otherCa = ca("CN=Some Other CA");
        serverKeys = keyStore("server.p12", ca, "CN=archive.test", CertificateRequest.Usage.TLS_SERVER);
        clientKeys = keyStore("client.p12", ca, "CN=modality.test", CertificateRequest.Usage.TLS_CLIENT);
        strangerKeys = keyStore("stranger.p12", otherCa, "CN=stranger.test", CertificateRequest.Usage.TLS_CLIENT);
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
        // a first handshake loads and warms the JDK's TLS and certificate path code; cold, on a busy machine, it can
        // take longer than the test server's 500 ms ARTIM, which would close a refused client before its alert
        Tls warmUp = Tls.fromKeyStores(clientKeys, PASSWORD, trustCA, PASSWORD, false);
        for (int i = 0; i < 5; i++) {
            try {
                echoWith(warmUp);
                break;
            } catch (IOException tooSlowYet) {
                // the next one is warmer
            }
        }
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
        SSLContext noKeys = TlsContexts.context(null, null, trustCA, PASSWORD);
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

    private static CertificateAuthority ca(String name) throws Exception {
        return CertificateAuthority.create(new X500Principal(name), KeyType.EC, Duration.ofDays(1));
    }

    /** A PKCS#12 key store with a new key and its certificate from the CA, chain included. */
    private static Path keyStore(String file, CertificateAuthority ca, String subject, CertificateRequest.Usage usage)
            throws Exception {
        CertificateRequest rq = CertificateRequest.tlsPeer(new X500Principal(subject), List.of("localhost", "127.0.0.1"),
                Duration.ofDays(1)).withUsages(Set.of(usage));
        Path p = dir.resolve(file);
        KeyStores.store(ca.issue(rq).keyStore("key", PASSWORD), p, PASSWORD, KeyStores.Readers.OWNER);
        return p;
    }

    private static Path trustStore(String file, CertificateAuthority ca) throws Exception {
        Path p = dir.resolve(file);
        KeyStores.store(KeyStores.trustStore("ca", ca.certificate()), p, PASSWORD, KeyStores.Readers.ALL);
        return p;
    }
}
