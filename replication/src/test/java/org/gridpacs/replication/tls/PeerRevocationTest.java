package org.gridpacs.replication.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.pki.KeyType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster CRL on running peer connections: a revoked node is refused by the peer connector (as a client) and by
 * a node that calls it (as a server), the others go on, and a changed list is picked up without a restart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerRevocationTest {
    /** The list is looked at again at most once a second. */
    private static final long PICKUP_MILLIS = 1_300;
    @TempDir
    Path tmp;
    Pki cluster;
    ClusterCertificates ca;

    @BeforeEach
    void makeCertificates() throws Exception {
        cluster = Pki.make(tmp.resolve("cluster"), "node1", "node2", "node3");
        ca = new ClusterCertificates(cluster.dir(), Pki.PASSWORD, 30, KeyType.EC);
    }

    @Test
    void aRevokedClientIsRefusedAndTheOthersGoOn() throws Exception {
        PeerTls node2 = cluster.peerTls("node2");
        try (NodeHttpServer server = server(cluster.peerTls("node1"))) {
            assertEquals(200, get(node2, server), "before the revocation");
            ClusterCertificates.Revocation r = ca.revoke("node2");
            assertTrue(!r.alreadyRevoked() && r.revokedCount() == 1, r.toString());
            Thread.sleep(PICKUP_MILLIS);
            IOException e = assertThrows(IOException.class, () -> get(node2, server));
            System.out.println("revocation: node2 refused as expected: " + e);
            assertEquals(200, get(cluster.peerTls("node3"), server), "an un-revoked node still gets in");
            assertTrue(ca.revoke("node2").alreadyRevoked());
        }
    }

    @Test
    void aNodeRefusesToCallARevokedPeer() throws Exception {
        PeerTls revokedServer = cluster.peerTls("node2"); // loaded while still valid
        PeerTls node1 = cluster.peerTls("node1");
        try (NodeHttpServer server = server(revokedServer)) {
            assertEquals(200, get(node1, server));
            ca.revoke("node2");
            Thread.sleep(PICKUP_MILLIS);
            assertThrows(IOException.class, () -> get(node1, server), "node1's client checks the server's certificate");
        }
        IOException e = assertThrows(IOException.class, () -> cluster.peerTls("node2"));
        assertTrue(e.getMessage().contains("revoked"), "a revoked node does not start its peer transport: " + e);
    }

    @Test
    void aChangedListIsPickedUpAndABadOneRefusesEveryone() throws Exception {
        PeerTls node2 = cluster.peerTls("node2");
        PeerTls node3 = cluster.peerTls("node3");
        Path crl = cluster.dir().resolve(ClusterCertificates.CRL);
        try (NodeHttpServer server = server(cluster.peerTls("node1"))) {
            assertEquals(200, get(node2, server), "no list: nothing revoked");
            ca.revoke("node2");
            Thread.sleep(PICKUP_MILLIS);
            assertThrows(IOException.class, () -> get(node2, server));
            byte[] revoking = Files.readAllBytes(crl);

            Files.delete(crl);
            Thread.sleep(PICKUP_MILLIS);
            assertEquals(200, get(node2, server), "the list removed: node2 counts as not revoked");

            Files.writeString(crl, "not a list");
            Thread.sleep(PICKUP_MILLIS);
            assertThrows(IOException.class, () -> get(node3, server), "a list that cannot be read refuses everyone");

            Files.write(crl, revoking);
            Thread.sleep(PICKUP_MILLIS);
            assertEquals(200, get(node3, server), "a good list again");
            assertThrows(IOException.class, () -> get(node2, server));
        }
    }

    @Test
    void aKeyStoreOfARevokedNodeIsNotKeptWhenIssuingAgain() throws Exception {
        ca.revoke("node3");
        IOException e = assertThrows(IOException.class, () -> ca.write(java.util.Map.of("node3", "127.0.0.1")));
        assertTrue(e.getMessage().contains("revoked certificate") && e.getMessage().contains("delete it"), e.getMessage());
        Files.delete(cluster.keyStore("node3"));
        ca.write(java.util.Map.of("node3", "127.0.0.1"));
        cluster.peerTls("node3"); // a new certificate, not on the list
    }

    private static NodeHttpServer server(PeerTls tls) throws IOException {
        return new NodeHttpServer("127.0.0.1", 0, tls.serverConnectors())
                .publicRoute("/health", new HealthHandler(() -> null, "test")).start();
    }

    /** A new client each time: a new connection, so a new handshake. */
    private static int get(PeerTls client, NodeHttpServer server) throws IOException, InterruptedException {
        HttpRequest rq = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/health"))
                .timeout(Duration.ofSeconds(30)).build();
        HttpClient c = client.clientBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        return c.send(rq, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
