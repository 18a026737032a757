package org.gridpacs.gateway.node;

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
import java.util.List;
import java.util.Properties;

import org.gridpacs.http.HealthHandler;
import org.gridpacs.http.HttpAccess;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.SiteCertificates;
import org.gridpacs.http.auth.UserAccounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http.access and its companions in conf/node.properties, and the HTTP service they make. */
class UserHttpConfigTest {
    @TempDir
    Path dir;

    @Test
    void loopbackWithoutLoginByDefault() throws Exception {
        NodeConfig c = NodeConfig.from(new Properties(), dir.resolve("data"), dir);
        assertEquals(HttpAccess.LOOPBACK, c.userHttp().access());
        assertEquals("127.0.0.1", c.userHttp().bindAddress(), "not dicom.bindAddress (0.0.0.0)");
        assertEquals(8080, c.userHttp().port());
        assertEquals(Duration.ofMinutes(30), c.userHttp().sessionIdleTimeout());
        try (NodeHttpServer http = c.userHttp().withPort(0).newServer(UserAccounts.none())
                .route("/dicom-web/*", new HealthHandler(() -> null, "open")).start()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/dicom-web/studies")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "no login on loopback, even without accounts");
        }
    }

    @Test
    void aLoopbackDicomAddressIsTheHttpOneToo() {
        Properties p = new Properties();
        p.setProperty("dicom.bindAddress", "127.0.0.5");
        assertEquals("127.0.0.5", NodeConfig.from(p, dir.resolve("data"), dir).userHttp().bindAddress());
        p.setProperty("dicom.bindAddress", "10.1.2.3");
        assertEquals("127.0.0.1", NodeConfig.from(p, dir.resolve("data"), dir).userHttp().bindAddress());
    }

    @Test
    void loopbackOnAnotherAddressDoesNotStart() {
        Properties p = new Properties();
        p.setProperty("http.bindAddress", "0.0.0.0");
        NodeConfig c = NodeConfig.from(p, dir.resolve("data"), dir);
        IOException e = assertThrows(IOException.class,
                () -> c.userHttp().withPort(0).newServer(UserAccounts.none()).start().close());
        assertTrue(e.getMessage().contains("http.bindAddress") && e.getMessage().contains("http.access = network"),
                e.getMessage());
    }

    @Test
    void networkNeedsTheSiteCertificateAndServesHttpsWithLogin() throws Exception {
        Properties p = new Properties();
        p.setProperty("http.access", "Network");
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("http.sessionIdleMinutes", "5");
        NodeConfig c = NodeConfig.from(p, dir.resolve("data"), dir);
        assertEquals(HttpAccess.NETWORK, c.userHttp().access());
        assertEquals("127.0.0.1", c.userHttp().bindAddress(), "network access listens on dicom.bindAddress");
        assertEquals(dir.resolve("http-tls/site.p12").toAbsolutePath(), c.userHttp().keyStore());
        IOException missing = assertThrows(IOException.class, () -> c.userHttp().newServer(UserAccounts.none()));
        assertTrue(missing.getMessage().contains("pacs http-cert"), missing.getMessage());

        SiteCertificates.write(dir.resolve("http-tls"), List.of("127.0.0.1"), Duration.ofDays(1), false);
        try (NodeHttpServer http = c.userHttp().withPort(0).newServer(UserAccounts.none())
                .route("/dicom-web/*", new HealthHandler(() -> null, "closed")).start()) {
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/dicom-web/studies")).build(),
                    HttpResponse.BodyHandlers.ofString()), "plain HTTP is not spoken on an HTTPS port");
        }
    }

    @Test
    void aWrongAccessWordIsNamed() {
        Properties p = new Properties();
        p.setProperty("http.access", "open");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.from(p, dir.resolve("data"), dir));
        assertTrue(e.getMessage().contains("http.access must be loopback or network"), e.getMessage());
    }
}
