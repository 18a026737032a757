package org.gridpacs.dose.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import org.apache.ignite.ssl.SslContextFactory;
import org.gridpacs.pki.CertificateAuthority;
import org.gridpacs.pki.CertificateRequest;
import org.gridpacs.pki.IssuedCertificate;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.RevocationLists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid's TLS honours the cluster CRL beside the trust store when it starts. */
class GridTlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    Path dir;

    @Test
    void aRevokedNodeIsNotTrustedByTheGrid() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(new X500Principal("CN=grid CA"), KeyType.EC,
                Duration.ofDays(1));
        KeyStores.store(KeyStores.trustStore("ca", ca.certificate()), dir.resolve("cluster-ca.p12"), PASSWORD,
                KeyStores.Readers.ALL);
        IssuedCertificate good = issue(ca, "node1");
        IssuedCertificate revoked = issue(ca, "node2");
        KeyStores.store(good.keyStore("node1", PASSWORD), dir.resolve("node1.p12"), PASSWORD, KeyStores.Readers.OWNER);
        GridTls tls = new GridTls(dir.resolve("node1.p12"), PASSWORD, dir.resolve("cluster-ca.p12"), PASSWORD);
        assertEquals(dir.resolve("crl.pem"), tls.crl());

        SslContextFactory without = tls.factory();
        assertNull(without.getTrustManagers(), "no list: Ignite's own trust store");

        RevocationLists.write(ca.revocationList(Map.of(revoked.certificate().getSerialNumber(), Instant.now()),
                BigInteger.ONE, Instant.now().plus(Duration.ofDays(1))), dir.resolve("crl.pem"));
        X509TrustManager trust = (X509TrustManager) tls.factory().getTrustManagers()[0];
        trust.checkClientTrusted(good.chain(), "UNKNOWN");
        assertThrows(CertificateException.class, () -> trust.checkClientTrusted(revoked.chain(), "UNKNOWN"));

        Files.writeString(dir.resolve("crl.pem"), "damaged");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tls::factory);
        assertTrue(e.getMessage().contains("cannot use the cluster CRL"), e.getMessage());
    }

    private static IssuedCertificate issue(CertificateAuthority ca, String name) throws Exception {
        return ca.issue(CertificateRequest.tlsPeer(new X500Principal("CN=" + name), List.of("127.0.0.1"),
                Duration.ofHours(1)));
    }
}
