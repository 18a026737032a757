package org.gridpacs.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.gridpacs.http.auth.AccountRole;
import org.gridpacs.http.auth.UserAccounts;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.TlsContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS user connector with the site certificate made as pacs http-cert makes it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsUserConnectorTest {
    private static final String PASSWORD = "correct horse battery";
    @TempDir
    Path dir;

    @Test
    void servesHttpsWithTheSiteCertificateAndSecureCookies() throws Exception {
        Path tls = dir.resolve("http-tls");
        SiteCertificates.Result made = SiteCertificates.write(tls, List.of("pacs.example.org", "127.0.0.1"),
                Duration.ofDays(30), false);
        assertTrue(made.written());
        for (String secret : List.of(SiteCertificates.KEY_STORE, SiteCertificates.PASSWORD_FILE, SiteCertificates.PEM,
                SiteCertificates.CA_KEY_STORE)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(secret))),
                    secret);
        }
        String pem = Files.readString(tls.resolve(SiteCertificates.PEM));
        assertTrue(pem.indexOf("BEGIN CERTIFICATE") < pem.indexOf("BEGIN PRIVATE KEY"), "HAProxy's order: chain, key");
        X509Certificate ca = caCertificate(tls);
        made.certificate().verify(ca.getPublicKey());
        // a second run keeps the certificate (the clients trust it already)
        assertFalse(SiteCertificates.write(tls, List.of("other"), Duration.ofDays(30), false).written());

        Path users = dir.resolve("http-users.properties");
        UserAccounts.put(users, "physicist", PASSWORD.toCharArray(), AccountRole.UPLOAD);
        SSLContext serverContext = SiteCertificates.serverContext(tls.resolve(SiteCertificates.KEY_STORE),
                tls.resolve(SiteCertificates.PASSWORD_FILE));
        try (NodeHttpServer server = new NodeHttpServer("127.0.0.1", 0, TlsConnectors.server(serverContext))
                .access(HttpAccess.NETWORK).users(UserAccounts.load(users))
                .publicRoute("/health", new HealthHandler(() -> null, "tls"))
                .route("/dicom-web/*", new HealthHandler(() -> null, "protected")).start()) {
            String base = "https://127.0.0.1:" + server.port();
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(TlsContexts.context(null, null, KeyStores.trustStore("site-ca", ca))).build();
            assertEquals(200, send(trusting, HttpRequest.newBuilder(URI.create(base + "/health"))).statusCode());
            assertEquals(401, send(trusting, HttpRequest.newBuilder(URI.create(base + "/dicom-web/studies")))
                    .statusCode());
            HttpResponse<String> login = send(trusting, HttpRequest.newBuilder(URI.create(base + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=physicist&password=correct+horse+battery")));
            assertEquals(303, login.statusCode());
            assertTrue(login.headers().firstValue("Set-Cookie").orElseThrow().contains("Secure"),
                    "a cookie sent over HTTPS never goes back over plain HTTP");
            // a client that does not trust the site CA does not talk to it
            HttpClient stranger = HttpClient.newHttpClient();
            assertThrows(SSLHandshakeException.class,
                    () -> send(stranger, HttpRequest.newBuilder(URI.create(base + "/health"))));
        }
    }

    @Test
    void aMissingPasswordFileIsNamed() {
        Path keyStore = dir.resolve("site.p12");
        var e = assertThrows(java.io.IOException.class,
                () -> SiteCertificates.serverContext(keyStore, dir.resolve("site.password")));
        assertTrue(e.getMessage().contains("site.password") && e.getMessage().contains("pacs http-cert"),
                e.getMessage());
    }

    private static X509Certificate caCertificate(Path tls) throws Exception {
        try (InputStream in = Files.newInputStream(tls.resolve(SiteCertificates.CA_PEM))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
