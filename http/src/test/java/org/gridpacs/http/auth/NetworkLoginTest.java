package org.gridpacs.http.auth;

import static org.gridpacs.http.auth.AccessTestClient.basic;
import static org.gridpacs.http.auth.AccessTestClient.sessionToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.HttpAccess;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** http.access = network: HTTP Basic for programs, the login page and a session cookie for browsers, roles. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetworkLoginTest {
    private static final String PASSWORD = "correct horse battery";
    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void accounts() throws IOException {
        file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "physicist", PASSWORD.toCharArray(), AccountRole.UPLOAD);
        UserAccounts.put(file, "referrer", PASSWORD.toCharArray(), AccountRole.READ);
    }

    @Test
    void withoutCredentialsAnApiCallGets401AndABrowserTheLoginPage() throws Exception {
        try (NodeHttpServer server = server(Duration.ofMinutes(30))) {
            AccessTestClient c = client(server);
            HttpResponse<String> api = c.get("/dicom-web/studies", "Accept", "application/dicom+json");
            assertEquals(401, api.statusCode());
            assertTrue(api.body().contains("needs a user name and password") && api.body().contains("/login"), api.body());
            assertTrue(api.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));

            HttpResponse<String> page = c.get("/viewer/study?x=1&y=2", "Accept", "text/html,application/xhtml+xml");
            assertEquals(302, page.statusCode());
            assertEquals("/login?next=%2Fviewer%2Fstudy%3Fx%3D1%26y%3D2",
                    page.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", ""));
            HttpResponse<String> form = c.get("/login?next=%2Fviewer%2Fstudy");
            assertEquals(200, form.statusCode());
            assertTrue(form.body().contains("<form method=\"post\" action=\"/login\">")
                    && form.body().contains("value=\"/viewer/study\""), form.body());
            // a POST is never redirected, even from a browser: it would lose its body
            assertEquals(401, c.send(c.request("/dicom-web/studies").header("Accept", "text/html")
                    .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
            assertEquals(200, c.get("/health").statusCode(), "the load balancer's check needs no login");
            assertEquals("physicist [READ, UPLOAD]\n",
                    c.get("/dicom-web/studies", "Authorization", basic("physicist", PASSWORD)).body());
        }
    }

    @Test
    void theLoginPageOpensASessionWithTheRightPasswordOnly() throws Exception {
        try (NodeHttpServer server = server(Duration.ofMinutes(30))) {
            AccessTestClient c = client(server);
            HttpResponse<String> wrong = c.login("physicist", "wrong password", "/viewer/");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.body().contains("wrong user name or password"), wrong.body());
            assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
            assertEquals(401, c.login("nobody", PASSWORD, "/").statusCode());

            HttpResponse<String> ok = c.login("physicist", PASSWORD, "/viewer/?study=1");
            assertEquals(303, ok.statusCode());
            assertTrue(ok.headers().firstValue("Location").orElseThrow().endsWith("/viewer/?study=1"));
            String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"),
                    cookie);
            assertFalse(cookie.contains("Secure"), "plain HTTP: a Secure cookie would never come back: " + cookie);
            assertFalse(cookie.contains("Max-Age") || cookie.contains("Expires"), "ends with the browser: " + cookie);
            String token = sessionToken(ok);
            assertTrue(token.length() >= 43, "256 random bits");

            String session = SessionCookie.NAME + "=" + token;
            assertEquals("physicist [READ, UPLOAD]\n", c.get("/dicom-web/studies", "Cookie", session).body());
            assertEquals(200, c.send(c.request("/dicom-web/studies").header("Cookie", session)
                    .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode());
            assertEquals(401, c.get("/dicom-web/studies", "Cookie", SessionCookie.NAME + "=forged").statusCode());
            HttpResponse<String> forged = c.send(c.request("/dicom-web/studies").header("Cookie", session)
                    .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(403, forged.statusCode(), "another site's page may not store with our session");
            assertTrue(forged.body().contains("another site"), forged.body());

            // behind HAProxy terminating TLS the cookie is Secure
            HttpResponse<String> proxied = c.send(c.request("/login").header("X-Forwarded-Proto", "https")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=physicist&password=correct+horse+battery")));
            assertTrue(proxied.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"));

            // never sent elsewhere after the login (no open redirect)
            assertEquals("/", c.login("physicist", PASSWORD, "//evil.example/").headers().firstValue("Location")
                    .orElseThrow().replaceFirst("^https?://127\\.0\\.0\\.1:\\d+", ""));

            HttpResponse<String> out = c.send(c.request("/logout").header("Cookie", session)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(303, out.statusCode());
            String cleared = out.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cleared.contains("Max-Age=0") || cleared.contains("Expires=Thu, 01 Jan 1970"), cleared);
            HttpResponse<String> after = c.get("/dicom-web/studies", "Cookie", session);
            assertEquals(401, after.statusCode(), "logged out");
            assertTrue(after.body().contains("session has ended"), after.body());
            assertTrue(after.headers().firstValue("WWW-Authenticate").isEmpty(),
                    "no browser password dialog over the viewer");
        }
    }

    @Test
    void aSessionEndsWhenIdle() throws Exception {
        try (NodeHttpServer server = server(Duration.ofMillis(2000))) {
            AccessTestClient c = client(server);
            String session = SessionCookie.NAME + "=" + sessionToken(c.login("referrer", PASSWORD, "/"));
            for (int i = 0; i < 4; i++) {
                // each request keeps it alive: 4 x 700 ms is longer than the idle timeout (and a pause of more than
                // a second, a loaded machine's worst, between two requests leaves it alive)
                assertEquals(200, c.get("/dicom-web/studies", "Cookie", session).statusCode(), "request " + i);
                Thread.sleep(700);
            }
            Thread.sleep(2300);
            HttpResponse<String> page = c.get("/viewer/", "Cookie", session, "Accept", "text/html");
            assertEquals(302, page.statusCode(), "a browser with an ended session logs in again");
            assertEquals(401, c.get("/dicom-web/studies", "Cookie", session).statusCode());
        }
    }

    @Test
    void aReadOnlyUserMayReadButNotStore() throws Exception {
        try (NodeHttpServer server = server(Duration.ofMinutes(30))) {
            AccessTestClient c = client(server);
            String auth = basic("referrer", PASSWORD);
            assertEquals("referrer [READ]\n", c.get("/dicom-web/studies", "Authorization", auth).body());
            HttpResponse<String> post = c.send(c.request("/dicom-web/studies").header("Authorization", auth)
                    .POST(HttpRequest.BodyPublishers.ofString("x")));
            assertEquals(403, post.statusCode());
            assertTrue(post.body().contains("upload role"), post.body());
            // a role changed in the file applies to an open session at once
            String session = SessionCookie.NAME + "=" + sessionToken(c.login("referrer", PASSWORD, "/"));
            UserAccounts.put(file, "referrer", PASSWORD.toCharArray(), AccountRole.UPLOAD);
            java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 5000));
            Thread.sleep(2100); // the accounts file is looked at every two seconds
            assertEquals("referrer [READ, UPLOAD]\n", c.get("/dicom-web/studies", "Cookie", session).body());
            UserAccounts.remove(file, "referrer");
            java.nio.file.Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() + 10000));
            Thread.sleep(2100);
            assertEquals(401, c.get("/dicom-web/studies", "Cookie", session).statusCode(), "a removed account");
        }
    }

    @Test
    void aRefusalBeforeTheBodyIsReadClosesTheConnectionAndSaysSo() throws Exception {
        try (NodeHttpServer server = server(Duration.ofMinutes(30));
                java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            // the headers only: the body the refusal never reads is still on its way
            s.getOutputStream().write(("POST /dicom-web/studies HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: " + basic("referrer", PASSWORD) + "\r\nContent-Type: application/dicom\r\n"
                    + "Content-Length: 100000\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nconnection: close\r\n"), answer);
            assertTrue(answer.contains("upload role"), answer);
        }
    }

    private AccessTestClient client(NodeHttpServer server) {
        return new AccessTestClient(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.port());
    }

    private NodeHttpServer server(Duration idle) throws IOException {
        return new NodeHttpServer("127.0.0.1", 0).access(HttpAccess.NETWORK).users(UserAccounts.load(file))
                .sessionIdleTimeout(idle)
                .publicRoute("/health", new HealthHandler(() -> null, ""))
                .route("/dicom-web/*", new AccessTestClient.WhoAmI())
                .route("/viewer/*", new AccessTestClient.WhoAmI())
                .start();
    }
}
