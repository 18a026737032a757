package org.gridpacs.federation.retrieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.RemoteSite;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DCMTK against site A's relay: {@code movescu} moves a study held only at site B into a DCMTK {@code storescp},
 * {@code getscu} gets it; what arrives is compared element by element with what site B holds. Also a throughput
 * figure (printed, not asserted): the relayed C-MOVE against a direct {@code getscu} from site B over TLS.
 */
@ProcessTest
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DcmtkCrossSiteRetrieveTest {
    @TempDir
    Path tmp;
    TwoSites sites;
    Peers.Peer storescp;

    @BeforeAll
    static void dcmtk() {
        Dcmtk.require();
    }

    @AfterEach
    void stop() {
        if (sites != null) {
            sites.close();
        }
        if (storescp != null) {
            storescp.close();
        }
        if (storescpTls != null) {
            storescpTls.close();
        }
    }

    Peers.Peer storescpTls;

    private void start(int instances, int pixels) throws Exception {
        start(instances, pixels, () -> 1);
    }

    private void start(int instances, int pixels, TwoSites.PortOfA aAtB) throws Exception {
        storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP");
        sites = new TwoSites(tmp.resolve("sites"), "query, retrieve", instances, pixels,
                Map.of("STORESCP", storescp.port()), aAtB);
    }

    private Dcmtk.Result movescu() throws Exception {
        return Dcmtk.run(300, "movescu", "-v", "-S", "-aet", "VIEWER", "-aec", TwoSites.A_AE, "-aem", "STORESCP",
                "-k", "0008,0052=STUDY", "-k", "0020,000D=" + sites.studyUID, "127.0.0.1",
                String.valueOf(sites.relay.port()));
    }

    private void assertAsAtSiteB(Path dir, String output) throws Exception {
        Map<String, Path> received = Instances.bySopInstanceUID(dir);
        List<IndexedInstance> atB = sites.studyAtB();
        assertEquals(atB.size(), received.size(), "instances received\n" + output);
        for (IndexedInstance i : atB) {
            Path p = received.get(i.sopInstanceUID());
            assertNotNull(p, i.sopInstanceUID() + " not received\n" + output);
            DataSetDiff.assertSameDataSet(sites.storedDataSet(i), Instances.read(p).dataSet(), i.sopInstanceUID());
        }
    }

    @Test
    void movescuThroughTheRelayGetsSiteBsStudyIntoStorescp() throws Exception {
        start(10, 32);
        Dcmtk.Result r = movescu();
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Received Final Move Response (Success)"), r.output());
        // streamed: a pending response first (with the count), then one after each instance but the last
        assertTrue(r.output().contains("Received Move Response 10 (Pending)")
                && !r.output().contains("Received Move Response 11"), r.output());
        assertAsAtSiteB(storescp.files(), r.output());
    }

    @Test
    void getscuThroughTheRelayGetsSiteBsStudy() throws Exception {
        start(10, 32);
        Path out = Files.createDirectories(tmp.resolve("got"));
        Dcmtk.Result r = Dcmtk.run(300, "getscu", "-v", "-S", "-aet", "VIEWER", "-aec", TwoSites.A_AE,
                "-k", "0008,0052=STUDY", "-k", "0020,000D=" + sites.studyUID, "-od", out.toString(), "127.0.0.1",
                String.valueOf(sites.relay.port()));
        assertEquals(0, r.exitCode(), r.output());
        assertAsAtSiteB(out, r.output());
    }

    /**
     * Not a test of speed (nothing asserted on time): the relayed C-MOVE (movescu to site A's relay; C-GET from site B
     * over TLS, forwarded to storescp) against a direct C-MOVE at site B over TLS (our SCU as site A's gateway, as
     * DCMTK 3.6.7's movescu has no TLS) whose destination, site A's federation AE, is a storescp with site A's
     * certificate over TLS. Both write every instance to disk. Three rounds each, alternating, after one
     * uncounted round.
     */
    @Test
    void throughputRelayedAgainstDirect() throws Exception {
        int n = Integer.getInteger("relay.bench.instances", 100);
        int px = Integer.getInteger("relay.bench.pixels", 512);
        Path aTls = tmp.resolve("sites/a/federation/tls");
        Path bCa = tmp.resolve("sites/b/federation/tls/" + SiteCertificates.CA_PEM);
        start(n, px, () -> {
            List<Path> pem = new SiteCertificates(new org.gridpacs.federation.site.FederationSettings.TlsFiles(
                    aTls.resolve("gateway.p12"), aTls.resolve("trust.p12"), aTls.resolve("password"),
                    aTls.resolve("crl.pem"), List.of())).exportGatewayPem();
            storescpTls = Peers.storescp(tmp.resolve("storescp-tls"), TwoSites.A_AE, "+tls", pem.get(0).toString(),
                    pem.get(1).toString(), "+cf", bCa.toString());
            return storescpTls.port();
        });
        FederationConnector asSiteA = new FederationConnector(SiteTls.load(sites.aSettings, TrustEvents.LOG),
                TwoSites.NET);
        RemoteSite siteB = sites.aSettings.remote("b").orElseThrow();
        long bytes = 0;
        for (IndexedInstance i : sites.studyAtB()) {
            bytes += i.locations().get(0).size();
        }
        List<Double> relayed = new ArrayList<>();
        List<Double> direct = new ArrayList<>();
        // round 0 warms both paths up (JIT, TLS session cache) and is not counted
        for (int round = 0; round <= 3; round++) {
            clear(storescp.files());
            long t0 = System.nanoTime();
            Dcmtk.Result m = movescu();
            double relayedS = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, m.exitCode(), m.output());
            assertEquals(n, Instances.bySopInstanceUID(storescp.files()).size());
            if (round > 0) {
                relayed.add(relayedS);
            }

            clear(storescpTls.files());
            t0 = System.nanoTime();
            AAssociateRQ rq = asSiteA.request(siteB);
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                    UID.ExplicitVRLittleEndian));
            DimseResponse rsp;
            try (Association as = asSiteA.connect(siteB, rq, null)) {
                rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, TwoSites.A_AE, sites.studyKeys(), p -> {
                });
                as.release();
            }
            double directS = (System.nanoTime() - t0) / 1e9;
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe() + "\n" + storescpTls.logTail());
            assertEquals(n, Instances.bySopInstanceUID(storescpTls.files()).size());
            if (round > 0) {
                direct.add(directS);
            }
        }
        double mb = bytes / 1e6;
        StringBuilder report = new StringBuilder(String.format("relay benchmark: %d instances, %.1f MB (%dx%d CT)%n",
                n, mb, px, px));
        for (int k = 0; k < relayed.size(); k++) {
            report.append(String.format("  round %d: relayed (movescu -> A -> C-GET over TLS from B -> storescp) %.2f s"
                    + " (%.1f MB/s); direct (C-MOVE at B over TLS -> storescp +tls) %.2f s (%.1f MB/s); relayed/direct"
                    + " %.2f%n", k + 1, relayed.get(k), mb / relayed.get(k), direct.get(k), mb / direct.get(k),
                    direct.get(k) / relayed.get(k)));
        }
        double bestR = relayed.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double bestD = direct.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        report.append(String.format("  best: relayed %.1f MB/s, direct %.1f MB/s, relayed/direct %.2f%n", mb / bestR,
                mb / bestD, bestD / bestR));
        System.out.print(report);
    }

    private static void clear(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
