package org.gridpacs.replication.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The node HTTP service (Jetty) with mutual TLS, and the JDK HTTP client as a peer. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerTlsTest {
    @TempDir
    Path tmp;
    Pki cluster;
    /** Another cluster's CA, with a node1 of its own. */
    Pki other;

    @BeforeEach
    void makeCertificates() throws Exception {
        cluster = Pki.make(tmp.resolve("cluster"), "node1", "node2", "elsewhere=127.0.0.2");
        other = Pki.make(tmp.resolve("other"), "node1");
    }

    @Test
    void peerWithANodeCertificateGetsIn() throws Exception {
        try (NodeHttpServer server = server(cluster.peerTls("node1"))) {
            HttpResponse<String> rsp = get(cluster.peerTls("node2").clientBuilder(), server);
            assertEquals(200, rsp.statusCode());
            assertEquals("UP test\n", rsp.body());
            assertEquals("TLSv1.3", rsp.sslSession().orElseThrow().getProtocol());
        }
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        try (NodeHttpServer server = server(cluster.peerTls("node1"))) {
            refused(Pki.context(null, null, cluster), server);
        }
    }

    @Test
    void clientWithACertificateFromAnotherCaIsRefused() throws Exception {
        try (NodeHttpServer server = server(cluster.peerTls("node1"))) {
            refused(Pki.context(other, "node1", cluster), server);
        }
    }

    @Test
    void serverWithACertificateFromAnotherCaIsRefused() throws Exception {
        try (NodeHttpServer server = server(new PeerTls(Pki.context(other, "node1", cluster)))) {
            refused(cluster.peerTls("node2").sslContext(), server);
        }
    }

    @Test
    void serverWhoseCertificateNamesAnotherHostIsRefused() throws Exception {
        // issued by the cluster CA, but for 127.0.0.2 while the client asked 127.0.0.1
        try (NodeHttpServer server = server(cluster.peerTls("elsewhere"))) {
            IOException e = assertThrows(IOException.class, () -> get(cluster.peerTls("node2").clientBuilder(), server));
            assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1"), e.toString());
        }
    }

    @Test
    void keyStoreFromAnotherCaIsRejectedAtStart() {
        ClusterConfig.Tls mixed = new ClusterConfig.Tls(other.keyStore("node1"), Pki.PASSWORD, cluster.trustStore(), Pki.PASSWORD);
        IOException e = assertThrows(IOException.class, () -> PeerTls.load(mixed));
        assertTrue(e.getMessage().contains("was not issued by the CA in " + cluster.trustStore()), e.getMessage());
    }

    @Test
    void aMissingKeyStoreIsNamedWithHowToMakeIt() {
        // the other key store errors are KeyStoresTest's (pki)
        ClusterConfig.Tls missing = new ClusterConfig.Tls(cluster.keyStore("node9"), Pki.PASSWORD, cluster.trustStore(), Pki.PASSWORD);
        IOException e = assertThrows(IOException.class, () -> PeerTls.load(missing));
        assertEquals(cluster.keyStore("node9") + " does not exist (make it with scripts/cluster-certs)", e.getMessage());
    }

    private static NodeHttpServer server(PeerTls tls) throws IOException {
        return new NodeHttpServer("127.0.0.1", 0, tls.serverConnectors())
                .publicRoute("/health", new HealthHandler(() -> null, "test")).start();
    }

    private static HttpResponse<String> get(HttpClient.Builder client, NodeHttpServer server)
            throws IOException, InterruptedException {
        HttpRequest rq = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                .timeout(Duration.ofSeconds(10)).build();
        return client.connectTimeout(Duration.ofSeconds(5)).build().send(rq, HttpResponse.BodyHandlers.ofString());
    }

    private static void refused(SSLContext client, NodeHttpServer server) {
        HttpClient.Builder b = HttpClient.newBuilder().sslContext(client);
        IOException e = assertThrows(IOException.class, () -> get(b, server));
        System.out.println("tls: refused as expected: " + e);
    }
}
