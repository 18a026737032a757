package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

    @Test
    void caSignsEndEntitiesOnly() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Certificates.subject("GridPACS", "test CA"), KeyType.EC,
                Duration.ofDays(10));
        X509Certificate c = ca.certificate();
        assertEquals("CN=test CA,O=GridPACS", c.getSubjectX500Principal().getName());
        assertEquals(c.getSubjectX500Principal(), c.getIssuerX500Principal());
        c.verify(c.getPublicKey());
        assertEquals(0, c.getBasicConstraints()); // a CA, path length 0
        assertTrue(c.getKeyUsage()[5] && c.getKeyUsage()[6], "keyCertSign and cRLSign");
        assertTrue(c.getNotBefore().toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(59))), "back-dated");
    }

    @Test
    void issuesWithTheRequestedSubjectNamesAndUsages() throws Exception {
        TestPki pki = TestPki.create("CA");
        IssuedCertificate issued = pki.ca().issue(CertificateRequest.tlsPeer(Certificates.subject("Site A", "gateway"),
                List.of("10.1.2.3", "pacs.site-a.example"), Duration.ofDays(1)));
        X509Certificate c = issued.certificate();
        assertEquals("CN=gateway,O=Site A", c.getSubjectX500Principal().getName());
        c.verify(pki.ca().certificate().getPublicKey());
        assertTrue(Certificates.issuedBy(c, List.of(pki.ca().certificate())));
        assertEquals(List.of("10.1.2.3", "pacs.site-a.example"), Certificates.names(c));
        assertEquals(List.of(7, 2), c.getSubjectAlternativeNames().stream().map(san -> san.get(0)).toList()); // IP, DNS
        assertTrue(Certificates.matchesHost(c, "PACS.site-a.example"));
        assertFalse(Certificates.matchesHost(c, "10.1.2.4"));
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), c.getExtendedKeyUsage());
        assertEquals(-1, c.getBasicConstraints());
        assertEquals("EC", issued.key().getAlgorithm());
        assertEquals(List.of(c, pki.ca().certificate()), List.of(issued.chain()));

        X509Certificate clientOnly = pki.ca().issue(TestPki.request("modality")
                .withUsages(Set.of(CertificateRequest.Usage.TLS_CLIENT))).certificate();
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), clientOnly.getExtendedKeyUsage());
    }

    @Test
    void aCertificateEndsNoLaterThanItsCa() throws Exception {
        TestPki pki = TestPki.create("CA"); // 2 days
        X509Certificate c = pki.ca().issue(TestPki.request("long").withValidity(Instant.now(),
                Instant.now().plus(Duration.ofDays(365)))).certificate();
        assertEquals(pki.ca().certificate().getNotAfter(), c.getNotAfter());
    }

    @Test
    void rsaKeysAreRsa3072() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(Certificates.subject("GridPACS", "rsa CA"), KeyType.RSA,
                Duration.ofDays(1));
        assertEquals(3072, ((RSAPublicKey) ca.certificate().getPublicKey()).getModulus().bitLength());
        X509Certificate c = ca.issue(TestPki.request("node").withKeyType(KeyType.RSA)).certificate();
        assertEquals(3072, ((RSAPublicKey) c.getPublicKey()).getModulus().bitLength());
        assertEquals("SHA256withRSA", c.getSigAlgName());
    }

    @Test
    void aCaKeptInAKeyStoreIssuesAgain() throws Exception {
        TestPki pki = TestPki.create("CA");
        CertificateAuthority again = CertificateAuthority.of(KeyStores.privateKey(pki.ca().keyStore("ca", TestPki.PASSWORD),
                TestPki.PASSWORD, java.nio.file.Path.of("ca.p12")));
        X509Certificate c = again.issue(TestPki.request("later")).certificate();
        c.verify(pki.ca().certificate().getPublicKey());
        IssuedCertificate endEntity = pki.peer("node");
        assertThrows(GeneralSecurityException.class, () -> CertificateAuthority.of(
                new java.security.KeyStore.PrivateKeyEntry(endEntity.key(), endEntity.chain())));
    }

    @Test
    void aRequestWithoutNamesOrUsagesHasNeitherExtension() throws Exception {
        X509Certificate c = TestPki.create("CA").ca().issue(new CertificateRequest(Certificates.subject("X", "bare"),
                List.of(), Set.of(), KeyType.EC, Instant.now(), Instant.now().plusSeconds(60))).certificate();
        assertNull(c.getSubjectAlternativeNames());
        assertNull(c.getExtendedKeyUsage());
        Instant now = Instant.now();
        assertThrows(IllegalArgumentException.class, () -> TestPki.request("x").withValidity(now, now));
    }
}
