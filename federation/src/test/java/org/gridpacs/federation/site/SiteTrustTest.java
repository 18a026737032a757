package org.gridpacs.federation.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLPeerUnverifiedException;

import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.AssociationRejectedException;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Tls;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.data.UID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two (three) sites on loopback, each with its own CA, over real TLS sockets: who gets in and who does not. */
class SiteTrustTest {
    private static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(5_000, 5_000, 10_000, 10_000);

    @TempDir
    Path tmp;

    /** Site A (acceptor) trusting site B's CA, listing B; B trusting A's CA, listing A at A's port. */
    private record Pair(TestSite a, TestSite b, FederationAcceptor acceptor, FederationSettings bSettings) {
    }

    private Pair pair(String bExtraForA) throws Exception {
        TestSite a = new TestSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        TestSite b = new TestSite(tmp.resolve("b"), "SITE-B", "FED-B");
        a.certificates().importCa(b.caPem(), "site-b");
        b.certificates().importCa(a.caPem(), "site-a");
        FederationSettings aSettings = a.settings(TestSite.remote("b", b, 1) + bExtraForA);
        FederationAcceptor acceptor = FederationAcceptor.start(SiteTls.load(aSettings, a.events), NET);
        FederationSettings bSettings = b.settings(TestSite.remote("a", a, acceptor.port()));
        return new Pair(a, b, acceptor, bSettings);
    }

    private static void echo(FederationConnector c, RemoteSite site) throws Exception {
        try (Association as = c.connectForEcho(site)) {
            assertEquals(Status.SUCCESS, as.echo().status());
            as.release();
        }
    }

    @Test
    void aTrustedSiteEchoesBothWaysChecked() throws Exception {
        Pair p = pair("");
        try (FederationAcceptor acceptor = p.acceptor()) {
            FederationConnector c = new FederationConnector(SiteTls.load(p.bSettings(), p.b().events), NET);
            echo(c, p.bSettings().remote("SITE-A").orElseThrow());
            echo(c, p.bSettings().remote("a").orElseThrow()); // a second association: resumption checked too
            assertEquals(0, p.a().refusals.size(), p.a().refusals.toString());
            assertEquals(0, p.b().refusals.size(), p.b().refusals.toString());
        }
    }

    @Test
    void aCertificateOfAnUnknownCaFailsTheHandshake() throws Exception {
        Pair p = pair("");
        try (FederationAcceptor acceptor = p.acceptor()) {
            // site C trusts A, but A never imported C's CA
            TestSite c = new TestSite(tmp.resolve("c"), "SITE-B", "FED-B");
            c.certificates().importCa(p.a().caPem(), "site-a");
            FederationSettings cs = c.settings(TestSite.remote("a", p.a(), p.acceptor().port()));
            FederationConnector conn = new FederationConnector(SiteTls.load(cs, c.events), NET);
            // with TLS 1.3 the client checks nothing after its Finished: A's alert may reach it as an SSLException,
            // or A's close as a reset of the socket; A's refusal below is what matters
            assertThrows(IOException.class, () -> echo(conn, cs.remote("a").orElseThrow()));
            awaitRefusals(p.a(), 1);
            TestSite.Refusal r = p.a().refusals.get(0);
            assertEquals("SITE-B", r.site()); // as the certificate claims
            assertTrue(r.reason().startsWith("TLS handshake:"), r.reason());
        }
    }

    @Test
    void aRevokedCertificateIsRefusedWithoutRestart() throws Exception {
        Path bCrl = tmp.resolve("b/federation/tls/crl.pem");
        Pair p = pair("federation.tls.remote-crls = " + bCrl + "\n");
        try (FederationAcceptor acceptor = p.acceptor()) {
            FederationConnector c = new FederationConnector(SiteTls.load(p.bSettings(), p.b().events), NET);
            RemoteSite a = p.bSettings().remote("a").orElseThrow();
            echo(c, a);
            // B's CA revokes B's gateway certificate; A has B's list (here: the same file) and reads it again
            BigInteger serial = gatewaySerial(p.b());
            p.b().certificates().revoke(serial, 30);
            Thread.sleep(1_100);
            // refused in the handshake, or (a resumed TLS session skips it) by the A-ASSOCIATE-RQ check
            assertThrows(IOException.class, () -> echo(c, a));
            assertTrue(p.a().refusals.stream().anyMatch(r -> r.reason().contains("revoked")), p.a().refusals.toString());
        }
    }

    @Test
    void aBadRevocationListRefusesEveryone() throws Exception {
        Path bCrl = tmp.resolve("b-crl.pem");
        Pair p = pair("federation.tls.remote-crls = " + bCrl + "\n");
        try (FederationAcceptor acceptor = p.acceptor()) {
            FederationConnector c = new FederationConnector(SiteTls.load(p.bSettings(), p.b().events), NET);
            RemoteSite a = p.bSettings().remote("a").orElseThrow();
            echo(c, a);
            Files.writeString(bCrl, "-----BEGIN X509 CRL-----\nbroken\n-----END X509 CRL-----\n");
            Thread.sleep(1_100);
            assertThrows(IOException.class, () -> echo(c, a));
            assertTrue(p.a().refusals.stream().anyMatch(r -> r.reason().contains(bCrl.toString())),
                    p.a().refusals.toString());
        }
    }

    @Test
    void aCertificateNamingAnotherAeIsRejected() throws Exception {
        // A also knows a site X; B's certificate (SITE-B, FED-B) calls as X's AE title
        Pair p = pair(TestSite.remote("x", "SITE-X", "FED-X", 1));
        try (FederationAcceptor acceptor = p.acceptor()) {
            char[] pw = p.b().settings("").tls().password();
            Tls tls = Tls.fromKeyStores(p.b().runDir.resolve("federation/tls/gateway.p12"), pw,
                    p.b().runDir.resolve("federation/tls/trust.p12"), pw, false);
            AAssociateRQ rq = new AAssociateRQ("FED-X", "FEDERATION");
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ImplicitVRLittleEndian));
            AssociationRejectedException e = assertThrows(AssociationRejectedException.class,
                    () -> new Connector(NET.withTls(tls)).connect("127.0.0.1", p.acceptor().port(), rq, null));
            assertEquals(AAssociateRJ.RESULT_REJECTED_PERMANENT, e.rejection().result());
            assertEquals(AAssociateRJ.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED, e.rejection().reason());
            assertEquals("SITE-X", p.a().refusals.get(0).site());
            assertTrue(p.a().refusals.get(0).reason().contains("site SITE-B AE FED-B"), p.a().refusals.toString());
        }
    }

    @Test
    void theCalledSiteMustBeWhoWeConfigured() throws Exception {
        Pair p = pair("");
        try (FederationAcceptor acceptor = p.acceptor()) {
            // B believes the site at A's port is SITE-Z: A's certificate says SITE-A, so B sends nothing
            FederationSettings wrong = p.b().settings(TestSite.remote("z", "SITE-Z", "FEDERATION", p.acceptor().port()));
            FederationConnector c = new FederationConnector(SiteTls.load(wrong, p.b().events), NET);
            SSLPeerUnverifiedException e = assertThrows(SSLPeerUnverifiedException.class,
                    () -> echo(c, wrong.remote("z").orElseThrow()));
            assertTrue(e.getMessage().contains("site SITE-A AE FEDERATION"), e.getMessage());
            assertEquals("SITE-Z", p.b().refusals.get(0).site());
        }
    }

    static BigInteger gatewaySerial(TestSite s) throws Exception {
        char[] pw = s.settings("").tls().password();
        Path ks = s.runDir.resolve("federation/tls/gateway.p12");
        return ((java.security.cert.X509Certificate) org.gridpacs.pki.KeyStores.privateKey(
                org.gridpacs.pki.KeyStores.load(ks, pw), pw, ks).getCertificate()).getSerialNumber();
    }

    private static void awaitRefusals(TestSite s, int n) throws InterruptedException {
        for (int i = 0; i < 50 && s.refusals.size() < n; i++) {
            Thread.sleep(100);
        }
        assertTrue(s.refusals.size() >= n, s.refusals.toString());
    }
}
