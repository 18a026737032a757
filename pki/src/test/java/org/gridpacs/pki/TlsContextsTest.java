package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Handshakes between a server and a client whose contexts and parameters TlsContexts makes, with certificates from
 * {@link CertificateAuthority}: mutual TLS over a plain JDK socket, which is what DICOM TLS and the peer transport
 * both build on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsContextsTest {
    private static final char[] PW = TestPki.PASSWORD;
    private static TestPki cluster;
    private static TestPki other;

    @BeforeAll
    static void makeCas() throws Exception {
        cluster = TestPki.create("cluster CA");
        other = TestPki.create("other CA");
    }

    @Test
    void certificatesFromTheCaAreAccepted() throws Exception {
        Result r = handshake(context(cluster.peer("server"), cluster), context(cluster.peer("client"), cluster), true);
        assertEquals("TLSv1.3", r.protocol());
        assertEquals("CN=client,O=GridPACS test", r.clientSeenByServer());
    }

    @Test
    void tls12IsAcceptedWithAForwardSecretAeadSuite() throws Exception {
        SSLContext server = context(cluster.peer("server"), cluster);
        SSLContext client = context(cluster.peer("client"), cluster);
        try (Server s = new Server(server)) {
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), s.port())) {
                var p = TlsContexts.clientParameters(client, true);
                p.setProtocols(new String[] {"TLSv1.2"});
                c.setSSLParameters(p);
                exchange(c);
                assertEquals("TLSv1.2", c.getSession().getProtocol());
                String suite = c.getSession().getCipherSuite();
                assertTrue(suite.startsWith("TLS_ECDHE_ECDSA_") && suite.contains("GCM") || suite.contains("CHACHA20"), suite);
            }
        }
    }

    @Test
    void oldProtocolsAndWeakSuitesAreNotOffered() throws Exception {
        SSLContext ctx = context(cluster.peer("server"), cluster);
        var server = TlsContexts.serverParameters(ctx, TlsContexts.ClientAuth.NEED);
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(server.getProtocols()));
        assertTrue(server.getNeedClientAuth());
        List<String> suites = Arrays.asList(server.getCipherSuites());
        assertTrue(suites.contains("TLS_AES_128_GCM_SHA256"), suites.toString());
        assertTrue(suites.contains("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), suites.toString());
        assertTrue(suites.stream().noneMatch(s -> s.contains("_CBC_") || s.startsWith("TLS_RSA_") || s.contains("DSS")),
                suites.toString());
        assertFalse(TlsContexts.allowed("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"));
        assertFalse(TlsContexts.allowed("TLS_RSA_WITH_AES_128_GCM_SHA256")); // no forward secrecy
    }

    @Test
    void clientWithACertificateFromAnotherCaIsRefused() throws Exception {
        Result r = handshake(context(cluster.peer("server"), cluster), context(other.peer("client"), cluster), true);
        assertTrue(r.clientFailure() != null && r.serverFailure() != null, r.toString());
    }

    @Test
    void clientWithoutACertificateIsRefused() throws Exception {
        Result r = handshake(context(cluster.peer("server"), cluster), TlsContexts.context(null, null, cluster.trust()),
                true);
        assertTrue(r.clientFailure() != null && r.serverFailure() != null, r.toString());
    }

    @Test
    void serverWithACertificateFromAnotherCaIsRefused() throws Exception {
        Result r = handshake(context(other.peer("server"), cluster), context(cluster.peer("client"), cluster), true);
        assertTrue(r.clientFailure() instanceof javax.net.ssl.SSLHandshakeException, r.toString());
        assertTrue(r.clientFailure().getMessage().contains("PKIX"), r.clientFailure().getMessage());
    }

    @Test
    void expiredCertificatesAreRefused() throws Exception {
        Instant now = Instant.now();
        IssuedCertificate expired = cluster.ca().issue(TestPki.request("expired")
                .withValidity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
        Result asServer = handshake(context(expired, cluster), context(cluster.peer("client"), cluster), true);
        assertTrue(asServer.clientFailure() != null, asServer.toString());
        assertTrue(String.valueOf(asServer.clientFailure().getMessage()).contains("validity check failed"), asServer.toString());
        Result asClient = handshake(context(cluster.peer("server"), cluster), context(expired, cluster), true);
        assertTrue(asClient.serverFailure() != null && asClient.clientFailure() != null, asClient.toString());
    }

    @Test
    void hostNameCheckRefusesACertificateForAnotherHost() throws Exception {
        IssuedCertificate elsewhere = cluster.ca().issue(CertificateRequest.tlsPeer(
                Certificates.subject("GridPACS test", "elsewhere"), List.of("127.0.0.2"), Duration.ofDays(1)));
        Result checked = handshake(context(elsewhere, cluster), context(cluster.peer("client"), cluster), true);
        assertTrue(String.valueOf(checked.clientFailure()).contains("127.0.0.1"), checked.toString());
        // without the check, a certificate from the trusted CA is enough (DICOM peers are known by certificate)
        Result unchecked = handshake(context(elsewhere, cluster), context(cluster.peer("client"), cluster), false);
        assertEquals("TLSv1.3", unchecked.protocol(), unchecked.toString());
    }

    // ------------------------------------------------------------------ helpers

    private static SSLContext context(IssuedCertificate keys, TestPki trust) throws Exception {
        KeyStore ks = keys.keyStore("key", PW);
        return TlsContexts.context(ks, PW, trust.trust());
    }

    /** What each side saw: the protocol and the client's name on success, or each side's failure. */
    record Result(String protocol, String clientSeenByServer, Exception clientFailure, Exception serverFailure) {
    }

    /** One handshake and one byte each way; the server needs a client certificate. */
    private static Result handshake(SSLContext serverCtx, SSLContext clientCtx, boolean checkHostName) throws Exception {
        try (Server s = new Server(serverCtx)) {
            String protocol = null;
            Exception clientFailure = null;
            // by address, as peers are configured: the host name check is then against the IP address
            try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket("127.0.0.1", s.port())) {
                c.setSSLParameters(TlsContexts.clientParameters(clientCtx, checkHostName));
                c.setSoTimeout(10_000);
                exchange(c);
                protocol = c.getSession().getProtocol();
            } catch (IOException e) {
                clientFailure = e;
            }
            String client = null;
            Exception serverFailure = null;
            try {
                client = s.accepted.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                serverFailure = (Exception) e.getCause();
            }
            return new Result(protocol, client, clientFailure, serverFailure);
        }
    }

    /** Writes a byte and reads the echo: in TLS 1.3 a refused client certificate shows only at the first read. */
    private static void exchange(SSLSocket c) throws IOException {
        c.startHandshake();
        c.getOutputStream().write(42);
        c.getOutputStream().flush();
        if (c.getInputStream().read() != 42) {
            throw new IOException("no echo");
        }
    }

    /** A one-connection echo server that needs a client certificate; {@link #accepted} is the client's name. */
    private static final class Server implements AutoCloseable {
        final SSLServerSocket socket;
        final CompletableFuture<String> accepted = new CompletableFuture<>();

        Server(SSLContext ctx) throws IOException {
            socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
            socket.setSSLParameters(TlsContexts.serverParameters(ctx, TlsContexts.ClientAuth.NEED));
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) socket.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    accepted.complete(s.getSession().getPeerPrincipal().getName());
                } catch (Exception e) {
                    accepted.completeExceptionally(e);
                }
            }, "tls-test-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
