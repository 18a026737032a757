package org.gridpacs.federation.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DCMTK's echoscu over TLS as another site's gateway calling ours: a site certificate gets in; one of an unknown CA,
 * a revoked one, and one naming another AE do not.
 */
@ProcessTest
class DcmtkSiteTrustTest {
    private static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(5_000, 5_000, 10_000, 10_000);

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.require();
    }

    private Dcmtk.Result echoscu(TestSite caller, String callingAe, TestSite called, int port) throws Exception {
        List<Path> pem = caller.certificates().exportGatewayPem();
        List<String> cmd = new ArrayList<>(List.of("echoscu", "-to", "10", "-ta", "10", "-td", "10",
                "+tls", pem.get(0).toString(), pem.get(1).toString(), "-pw", "+cf", called.caPem().toString(),
                "-aet", callingAe, "-aec", called.aeTitle, "127.0.0.1", String.valueOf(port)));
        return Dcmtk.run(60, cmd.toArray(String[]::new));
    }

    @Test
    void siteCertificatesAgainstEchoscu() throws Exception {
        TestSite a = new TestSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        TestSite b = new TestSite(tmp.resolve("b"), "SITE-B", "FED-B");
        TestSite stranger = new TestSite(tmp.resolve("c"), "SITE-C", "FED-C");
        a.certificates().importCa(b.caPem(), "site-b");
        Path bCrl = b.runDir.resolve("federation/tls/crl.pem");
        FederationSettings as = a.settings(TestSite.remote("b", b, 1) + TestSite.remote("c", stranger, 1)
                + TestSite.remote("x", "SITE-X", "FED-X", 1) + "federation.tls.remote-crls = " + bCrl + "\n");
        try (FederationAcceptor acceptor = FederationAcceptor.start(SiteTls.load(as, a.events), NET)) {
            int port = acceptor.port();

            Dcmtk.Result ok = echoscu(b, "FED-B", a, port);
            assertEquals(0, ok.exitCode(), ok.output());
            assertEquals(0, a.refusals.size(), a.refusals.toString());

            Dcmtk.Result unknownCa = echoscu(stranger, "FED-C", a, port);
            assertNotEquals(0, unknownCa.exitCode(), unknownCa.output());
            assertTrue(a.refusals.stream().anyMatch(r -> r.site().equals("SITE-C")
                    && r.reason().contains("certification path")), a.refusals.toString());

            Dcmtk.Result otherAe = echoscu(b, "FED-X", a, port);
            assertNotEquals(0, otherAe.exitCode(), otherAe.output());
            assertTrue(otherAe.output().contains("Association Rejected"), otherAe.output());
            assertTrue(otherAe.output().contains("Calling AE Title Not Recognized"), otherAe.output());
            assertTrue(a.refusals.stream().anyMatch(r -> r.site().equals("SITE-X")), a.refusals.toString());

            b.certificates().revoke(SiteTrustTest.gatewaySerial(b), 30);
            Thread.sleep(1_100);
            int before = a.refusals.size();
            Dcmtk.Result revoked = echoscu(b, "FED-B", a, port);
            assertNotEquals(0, revoked.exitCode(), revoked.output());
            assertTrue(a.refusals.stream().skip(before).anyMatch(r -> r.reason().contains("revoked")),
                    a.refusals.toString());
        }
    }
}
