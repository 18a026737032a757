package org.gridpacs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two connectors of the node's HTTP service: each serves only its own routes, on its own address. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeHttpServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void eachConnectorServesOnlyItsOwnRoutes() throws Exception {
        try (NodeHttpServer server = new NodeHttpServer("127.0.0.1", 0)
                .publicRoute("/health", new HealthHandler(() -> null, "user"))
                .peerConnector("127.0.0.2", 0, NodeHttpServer.PLAIN)
                .peerRoute("/peer/*", new HealthHandler(() -> null, "peer"))
                .start()) {
            assertNotEquals(server.port(), server.peerPort());
            assertEquals("200 UP user\n", get("127.0.0.1", server.port(), "/health"));
            assertEquals("404", get("127.0.0.1", server.port(), "/peer/copies").substring(0, 3),
                    "the peer endpoints are not on the user connector");
            assertEquals("200 UP peer\n", get("127.0.0.2", server.peerPort(), "/peer/copies"));
            assertEquals("404", get("127.0.0.2", server.peerPort(), "/health").substring(0, 3),
                    "the user routes are not on the peer connector");
            // each connector listens on its own address only
            assertThrows(ConnectException.class, () -> get("127.0.0.2", server.port(), "/health"));
            assertThrows(ConnectException.class, () -> get("127.0.0.1", server.peerPort(), "/peer/copies"));
        }
    }

    @Test
    void healthSaysWhyNot() throws Exception {
        try (NodeHttpServer server = new NodeHttpServer("127.0.0.1", 0)
                .publicRoute("/health", new HealthHandler(() -> "catching up", "user")).start()) {
            assertEquals("503 DOWN catching up\n", get("127.0.0.1", server.port(), "/health"));
        }
    }

    @Test
    void aPeerRouteNeedsAPeerConnector() {
        assertThrows(IllegalStateException.class, () -> new NodeHttpServer("127.0.0.1", 0)
                .peerRoute("/peer/*", new HealthHandler(() -> null, "peer")));
    }

    @Test
    void aTakenPortIsNamed() throws Exception {
        try (NodeHttpServer first = new NodeHttpServer("127.0.0.1", 0).start()) {
            IOException e = assertThrows(IOException.class,
                    () -> new NodeHttpServer("127.0.0.1", first.port()).start());
            assertEquals(true, e.getMessage().contains("127.0.0.1:" + first.port()), e.getMessage());
        }
    }

    private String get(String host, int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> rsp = client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        return rsp.statusCode() + " " + rsp.body();
    }
}
