package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Our page's files and {@code GET /api/nodes}. */
class AdminPageTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(NodeHttpServer s, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageItsScriptAndTheNodes() throws Exception {
        AtomicReference<List<NodeState>> nodes = new AtomicReference<>(List.of(
                new NodeState("node1", "127.0.0.1:11113", "127.0.0.1:8081", "up", Instant.parse("2026-12-07T01:00:00Z"), true),
                new NodeState("node2", "127.0.0.1:11114", "127.0.0.1:8082", "down", null, false)));
        try (NodeHttpServer s = new NodeHttpServer("127.0.0.1", 0)
                .publicRoute(AdminPage.ROUTE, new AdminPage())
                .publicRoute(NodesHandler.ROUTE, new NodesHandler(nodes::get))
                .start()) {
            var page = send(s, "GET", "/admin/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.body().contains("/admin/admin.js"));
            assertTrue(page.body().contains("href=\"/\""), "links to the study list");
            var noFollow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/admin")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(301, noFollow.statusCode());
            assertEquals("/admin/", noFollow.headers().firstValue("Location").orElse(""));
            var script = send(s, "GET", "/admin/admin.js");
            assertTrue(script.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
            assertTrue(script.body().contains("/dose/jobs") && script.body().contains("/api/nodes"));
            assertEquals(404, send(s, "GET", "/admin/other.js").statusCode());
            assertEquals(405, send(s, "POST", "/admin/").statusCode());

            var json = send(s, "GET", "/api/nodes");
            assertEquals(200, json.statusCode());
            assertEquals("no-store", json.headers().firstValue("Cache-Control").orElse(""));
            JsonNode list = new ObjectMapper().readTree(json.body()).get("nodes");
            assertEquals(2, list.size());
            assertEquals("node1", list.get(0).get("name").asText());
            assertEquals("127.0.0.1:11113", list.get(0).get("dicom").asText());
            assertEquals("127.0.0.1:8081", list.get(0).get("http").asText());
            assertEquals("up", list.get(0).get("state").asText());
            assertEquals("2026-12-07T01:00:00Z", list.get(0).get("lastSeen").asText());
            assertTrue(list.get(0).get("self").asBoolean());
            assertTrue(list.get(1).get("lastSeen").isNull());
            assertEquals(405, send(s, "DELETE", "/api/nodes").statusCode());

            nodes.set(null);
            var failed = send(s, "GET", "/api/nodes");
            assertEquals(500, failed.statusCode());
            assertTrue(failed.body().contains("could not list"), failed.body());
        }
    }
}
