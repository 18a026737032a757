package org.gridpacs.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;

import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.HttpAccess;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** http.access = loopback: served without login as Caller.LOCAL, and only ever on a loopback address. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopbackAccessTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void servesWithoutLoginAsTheLocalCaller() throws Exception {
        try (NodeHttpServer server = server("127.0.0.1")) {
            AccessTestClient c = new AccessTestClient(client, "http://127.0.0.1:" + server.port());
            var rsp = c.get("/dicom-web/studies");
            assertEquals(200, rsp.statusCode(), rsp.body());
            assertEquals("local [READ, UPLOAD, ADMIN]\n", rsp.body());
            assertEquals(200, c.send(c.request("/dicom-web/studies").POST(HttpRequest.BodyPublishers.ofString("x")))
                    .statusCode(), "the local caller may store");
            // a browser is not sent to a login page: there is none
            assertEquals(200, c.get("/dicom-web/studies", "Accept", "text/html").statusCode());
            assertEquals(404, c.get("/login").statusCode());
            assertEquals(200, c.get("/health").statusCode());
        }
        try (NodeHttpServer server = server("localhost")) {
            assertTrue(server.port() > 0, "a name of loopback addresses only is accepted");
        }
    }

    @Test
    void anotherWebSiteCannotUseTheLocalBrowser() throws Exception {
        try (NodeHttpServer server = server("127.0.0.1")) {
            String self = "http://127.0.0.1:" + server.port();
            AccessTestClient c = new AccessTestClient(client, self);
            var forged = c.send(c.request("/dicom-web/studies").header("Origin", "https://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(403, forged.statusCode());
            assertTrue(forged.body().contains("another site"), forged.body());
            assertEquals(200, c.send(c.request("/dicom-web/studies").header("Origin", self)
                    .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode(), "our own pages may store");
            assertEquals(200, c.get("/dicom-web/studies", "Origin", "https://evil.example").statusCode(),
                    "a read: the browser keeps the answer from the other site (no CORS headers)");
            // DNS rebinding: another site's name pointed at 127.0.0.1
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET /dicom-web/studies HTTP/1.1\r\nHost: evil.example:" + server.port()
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("HTTP/1.1 403") && answer.contains("not for evil.example"), answer);
            }
        }
    }

    @Test
    void credentialsBroughtAllTheSameAreCheckedAndTheirRoleApplies(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("users.properties");
        UserAccounts.put(file, "reader", "reader-password".toCharArray(), AccountRole.READ);
        try (NodeHttpServer server = new NodeHttpServer("127.0.0.1", 0).access(HttpAccess.LOOPBACK)
                .users(UserAccounts.load(file)).route("/dicom-web/*", new AccessTestClient.WhoAmI()).start()) {
            AccessTestClient c = new AccessTestClient(client, "http://127.0.0.1:" + server.port());
            var wrong = c.get("/dicom-web/studies", "Authorization", AccessTestClient.basic("reader", "nope"));
            assertEquals(401, wrong.statusCode(), "a wrong password is refused, not ignored: " + wrong.body());
            assertTrue(wrong.body().contains("wrong user name or password"), wrong.body());
            var right = c.get("/dicom-web/studies", "Authorization", AccessTestClient.basic("reader", "reader-password"));
            assertEquals("reader [READ]\n", right.body(), "served as the account, with its role");
            assertEquals("local [READ, UPLOAD, ADMIN]\n", c.get("/dicom-web/studies").body(), "without: the local caller");
        }
    }

    @Test
    void aNonLoopbackAddressIsRefused() {
        for (String host : new String[] {"0.0.0.0", "", "::"}) {
            IOException e = assertThrows(IOException.class, () -> server(host).close(), host);
            assertTrue(e.getMessage().contains("http.access = loopback") && e.getMessage().contains("127.0.0.1")
                    && e.getMessage().contains("http.access = network"), e.getMessage());
        }
    }

    private static NodeHttpServer server(String host) throws IOException {
        return new NodeHttpServer(host, 0).access(HttpAccess.LOOPBACK)
                .publicRoute("/health", new HealthHandler(() -> null, ""))
                .route("/dicom-web/*", new AccessTestClient.WhoAmI())
                .start();
    }
}
