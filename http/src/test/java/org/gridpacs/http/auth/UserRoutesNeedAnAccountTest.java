package org.gridpacs.http.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** User routes answer only holders of an account; /health stays open; refusals are logged without the password. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UserRoutesNeedAnAccountTest {
    private static final String PASSWORD = "correct horse battery";
    private final HttpClient client = HttpClient.newHttpClient();
    @TempDir
    Path dir;

    @Test
    void onlyAnAccountGetsThrough() throws Exception {
        Path file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "physicist", PASSWORD.toCharArray());
        Logger log = (Logger) LoggerFactory.getLogger(BasicAuthentication.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (NodeHttpServer server = server(UserAccounts.load(file))) {
            assertEquals("200 UP \n", get(server, "/health", null), "the load balancer's check needs no account");
            HttpResponse<String> none = send(server, "/dose/jobs", null);
            assertEquals(401, none.statusCode());
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
            assertTrue(none.body().contains("needs a user name and password"), none.body());
            assertEquals(401, send(server, "/dose/jobs", basic("physicist", "wrong password")).statusCode());
            assertEquals(401, send(server, "/dose/jobs", basic("nobody", PASSWORD)).statusCode());
            assertTrue(get(server, "/dose/jobs", "Bearer abc").contains("only HTTP Basic"));
            assertTrue(get(server, "/dose/jobs", "Basic !!!").contains("not name:password"));
            assertEquals("200 hello physicist\n", get(server, "/dose/jobs", basic("physicist", PASSWORD)));
            // a second request is answered from the remembered check, with the same result
            assertEquals("200 hello physicist\n", get(server, "/dose/jobs/1", basic("physicist", PASSWORD)));
        } finally {
            log.detachAppender(seen);
        }
        List<String> lines = seen.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, lines.size(), "one refusal logged per address and minute: " + lines);
        assertTrue(lines.get(0).startsWith("Refused an HTTP request from 127.0.0.1"), lines.get(0));
        assertFalse(String.join("\n", lines).contains("wrong password"), "never the password in the log");
    }

    @Test
    void withoutAccountsEveryoneIsRefusedAndToldWhy() throws Exception {
        try (NodeHttpServer server = server(UserAccounts.load(dir.resolve("absent.properties")))) {
            String answer = get(server, "/dose/jobs", basic("admin", PASSWORD));
            assertTrue(answer.startsWith("401 ") && answer.contains("pacs http-user add"), answer);
        }
    }

    @Test
    void theFileKeepsOnlyHashesAndOnlyItsOwnerReadsIt() throws Exception {
        Path file = dir.resolve("http-users.properties");
        UserAccounts.put(file, "admin", PASSWORD.toCharArray());
        UserAccounts.put(file, "viewer", "another password".toCharArray());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertFalse(text.contains(PASSWORD));
        assertTrue(text.contains("admin = pbkdf2-sha256:600000:"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        UserAccounts accounts = UserAccounts.load(file);
        assertTrue(accounts.authenticate("viewer", "another password".toCharArray()));
        assertFalse(accounts.authenticate("viewer", PASSWORD.toCharArray()));
        assertTrue(UserAccounts.remove(file, "viewer"));
        assertEquals(java.util.Set.of("admin"), UserAccounts.load(file).names());
        assertThrows(IllegalArgumentException.class, () -> UserAccounts.put(file, "bad name", PASSWORD.toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> UserAccounts.put(file, "short", "1234567".toCharArray()));
        Files.writeString(file, "admin = plain-text-password\n");
        IOException e = assertThrows(IOException.class, () -> UserAccounts.load(file));
        assertTrue(e.getMessage().contains("'admin'"), e.getMessage());
    }

    private static NodeHttpServer server(UserAccounts accounts) throws IOException {
        return new NodeHttpServer("127.0.0.1", 0).users(accounts)
                .publicRoute("/health", new HealthHandler(() -> null, ""))
                .route("/dose/jobs/*", new Hello())
                .route("/dose/jobs", new Hello())
                .start();
    }

    private static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String get(NodeHttpServer server, String path, String authorization) throws Exception {
        HttpResponse<String> rsp = send(server, path, authorization);
        return rsp.statusCode() + " " + rsp.body();
    }

    private HttpResponse<String> send(NodeHttpServer server, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Greets the authenticated account. */
    private static final class Hello extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Content.Sink.write(response, true, "hello " + request.getAttribute(BasicAuthentication.USER) + "\n", callback);
            return true;
        }
    }
}
