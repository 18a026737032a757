package org.gridpacs.pki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.net.ssl.X509ExtendedTrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRLs made by the CA, their files, and the PKIX trust that refuses what they list. */
class RevocationListsTest {
    @TempDir
    Path tmp;

    @Test
    void aListedCertificateIsRefusedAndAnotherAccepted() throws Exception {
        TestPki pki = TestPki.create("cluster CA");
        IssuedCertificate good = pki.peer("node1");
        IssuedCertificate bad = pki.peer("node2");
        X509CRL crl = pki.ca().revocationList(Map.of(bad.certificate().getSerialNumber(), Instant.now()),
                BigInteger.ONE, Instant.now().plus(Duration.ofDays(1)));
        X509ExtendedTrustManager tm = RevocationLists.trustManager(pki.trust(), crl);

        tm.checkClientTrusted(good.chain(), "UNKNOWN");
        tm.checkServerTrusted(good.chain(), "ECDHE_ECDSA");
        CertificateException e = assertThrows(CertificateException.class,
                () -> tm.checkClientTrusted(bad.chain(), "UNKNOWN"));
        assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("revoked"), e.toString());
        assertThrows(CertificateException.class, () -> tm.checkServerTrusted(bad.chain(), "ECDHE_ECDSA"));
        // without a list both pass: the refusal above is the list's doing
        RevocationLists.trustManager(pki.trust(), null).checkClientTrusted(bad.chain(), "UNKNOWN");
    }

    @Test
    void aListPastItsNextUpdateRefusesEveryone() throws Exception {
        TestPki pki = TestPki.create("cluster CA");
        IssuedCertificate good = pki.peer("node1");
        X509CRL stale = pki.ca().revocationList(Map.of(), BigInteger.ONE, Instant.now().minus(Duration.ofHours(1)));
        // (the JDK allows 15 minutes of clock skew on a CRL's next update; ClusterCrl holds it to the second)
        X509ExtendedTrustManager tm = RevocationLists.trustManager(pki.trust(), stale);
        assertThrows(CertificateException.class, () -> tm.checkClientTrusted(good.chain(), "UNKNOWN"));
    }

    @Test
    void aListFromAnotherCaRefusesEveryone() throws Exception {
        TestPki pki = TestPki.create("cluster CA");
        TestPki other = TestPki.create("cluster CA");
        IssuedCertificate good = pki.peer("node1");
        X509CRL foreign = other.ca().revocationList(Map.of(), BigInteger.ONE, Instant.now().plusSeconds(3600));
        assertFalse(RevocationLists.issuedBy(foreign, List.of(pki.ca().certificate())));
        X509ExtendedTrustManager tm = RevocationLists.trustManager(pki.trust(), foreign);
        assertThrows(CertificateException.class, () -> tm.checkClientTrusted(good.chain(), "UNKNOWN"));
    }

    @Test
    void writtenAsPemAndReadBack() throws Exception {
        TestPki pki = TestPki.create("cluster CA");
        BigInteger serial = pki.peer("node2").certificate().getSerialNumber();
        Instant when = Instant.parse("2026-01-02T03:04:05Z");
        X509CRL crl = pki.ca().revocationList(Map.of(serial, when), BigInteger.valueOf(7), Instant.now().plusSeconds(3600));
        Path file = tmp.resolve("crl.pem");
        RevocationLists.write(crl, file);
        assertTrue(Files.readString(file).startsWith("-----BEGIN X509 CRL-----\n"));
        X509CRL back = RevocationLists.read(file);
        assertEquals(crl, back);
        assertEquals(Map.of(serial, when), RevocationLists.revoked(back));
        assertEquals(BigInteger.valueOf(7), RevocationLists.number(back));
        assertTrue(RevocationLists.issuedBy(back, List.of(pki.ca().certificate())));

        Files.writeString(file, "garbage");
        IOException e = assertThrows(IOException.class, () -> RevocationLists.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a certificate revocation list"), e.getMessage());
    }
}
