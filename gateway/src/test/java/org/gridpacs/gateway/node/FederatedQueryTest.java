package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditRecord;
import org.gridpacs.federation.audit.Outcome;
import org.gridpacs.federation.query.FederatedFindScp;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.RemoteSite;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Federated C-FIND between real sites on loopback: site A (an archive node with its gateway AE FEDERATION) and
 * site B (another node, gateway FED-B), each with its own CA, over mutual TLS; site C a third site's gateway that
 * B knows but lets retrieve only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FederatedQueryTest {
    /** Long enough for site B's first answer (a new mutual-TLS association) on a loaded machine. */
    static final int TIMEOUT_SECONDS = 10;
    @TempDir
    Path tmp;
    FederationSite a;
    FederationSite b;
    FederationSite c;
    final String studyA = Implementation.newUID();
    final String studyB = Implementation.newUID();
    final String shared = Implementation.newUID();

    static DataSet ct(String patient, String issuer, String study) {
        DataSet ds = SyntheticInstances.ct(patient, study, Implementation.newUID(), 1, 1);
        ds.setString(Tag.IssuerOfPatientID, VR.LO, issuer);
        return ds;
    }

    @BeforeEach
    void sites() throws Exception {
        a = new FederationSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        b = new FederationSite(tmp.resolve("b"), "SITE-B", "FED-B");
        c = new FederationSite(tmp.resolve("c"), "SITE-C", "FED-C");
        a.trust(b);
        b.trust(a);
        b.trust(c);
        c.trust(b);
        b.configure(FederationSite.remote("a", a, 1, "query, retrieve", "query")
                + FederationSite.remote("c", c, 1, "retrieve", "none"));
        b.start();
        b.store(ct("B-1", "HOSP-B", studyB), ct("B-77", "HOSP-B", shared));
    }

    /** Site A listing B (and {@code extra}), started, with its own studies. */
    private void startA(String extra) throws Exception {
        a.configure(FederationSite.remote("b", b, b.federationPort(), "query", "query")
                + "federation.query.timeout-seconds = " + TIMEOUT_SECONDS + "\n" + extra);
        a.start();
        // the shared study is known at A under A's Patient ID and issuer
        a.store(ct("A-1", "HOSP-A", studyA), ct("A-9", "HOSP-A", shared));
    }

    @AfterEach
    void stop() {
        for (FederationSite s : new FederationSite[] {a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static DataSet studyKeys(String... more) {
        DataSet k = new DataSet();
        k.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        k.setNull(Tag.StudyInstanceUID, VR.UI);
        k.setNull(Tag.PatientID, VR.LO);
        k.setNull(Tag.PatientName, VR.PN);
        for (int i = 0; i < more.length; i += 2) {
            k.setString(Integer.decode(more[i]), VR.LO, more[i + 1]);
        }
        return k;
    }

    /** Study UID to "PatientID/Issuer retrieveAE fileSetID" for each match. */
    static Map<String, String> byStudy(List<DataSet> matches) {
        Map<String, String> out = new TreeMap<>();
        for (DataSet m : matches) {
            String prev = out.put(m.getString(Tag.StudyInstanceUID), m.getString(Tag.PatientID) + "/"
                    + m.getString(Tag.IssuerOfPatientID) + " " + m.getString(Tag.RetrieveAETitle) + " "
                    + m.getString(Tag.StorageMediaFileSetID));
            assertEquals(null, prev, "a study listed twice");
        }
        return out;
    }

    @Test
    void theGatewayAnswersForBothSitesMergedByStudyUid() throws Exception {
        startA("");
        FederationSite.Answer fed = a.find("VIEWER", "FEDERATION", studyKeys());
        assertEquals(Status.SUCCESS, fed.last().status(), fed.last().describe());
        assertEquals(Map.of(
                studyA, "A-1/HOSP-A FEDERATION FEDERATION",
                shared, "A-9/HOSP-A FEDERATION FEDERATION", // ours first: the study is listed once, as we know it
                studyB, "B-1/HOSP-B FEDERATION FED-B"), byStudy(fed.matches()));

        // the node's own AE stays local-only
        FederationSite.Answer local = a.find("VIEWER", "PACS", studyKeys());
        assertEquals(Status.SUCCESS, local.last().status());
        assertEquals(2, local.matches().size());
        assertTrue(local.matches().stream().allMatch(m -> "PACS".equals(m.getString(Tag.RetrieveAETitle))));

        // an issuer given is matched at every site: B's patients only, the shared study as B knows it
        FederationSite.Answer issuerB = a.find("VIEWER", "FEDERATION", studyKeys("0x00100021", "HOSP-B"));
        assertEquals(Map.of(
                shared, "B-77/HOSP-B FEDERATION FED-B",
                studyB, "B-1/HOSP-B FEDERATION FED-B"), byStudy(issuerB.matches()));

        // one Query record at A per federated C-FIND (the viewer asking), one at B per query received from A
        List<AuditRecord> atA = queries(a, 2);
        assertEquals(2, atA.size());
        assertEquals("VIEWER", atA.get(0).message().participant(AuditCode.SOURCE).orElseThrow().aeTitle());
        assertEquals(Outcome.SUCCESS, atA.get(0).message().outcome());
        List<AuditRecord> atB = queries(b, 2);
        assertEquals(2, atB.size());
        assertEquals("SITE-A", atB.get(0).message().participant(AuditCode.SOURCE).orElseThrow().site());
    }

    @Test
    void aStoppedSiteGivesOurMatchesAndAWarningNamingIt() throws Exception {
        startA("");
        b.stop();
        FederationSite.Answer fed = a.find("VIEWER", "FEDERATION", studyKeys());
        assertEquals(FederatedFindScp.WARNING_PARTIAL, fed.last().status(), fed.last().describe());
        assertTrue(Status.isWarning(fed.last().status()));
        assertTrue(fed.last().errorComment().contains("SITE-B"), fed.last().errorComment());
        assertEquals(2, fed.matches().size());
        assertTrue(fed.millis() < TIMEOUT_SECONDS * 1000L, "a refused connection is not waited for: " + fed.millis());
        AuditRecord q = queries(a, 1).get(0);
        assertEquals(Outcome.MINOR_FAILURE, q.message().outcome());
        assertTrue(q.message().outcomeDescription().contains("SITE-B"), q.message().outcomeDescription());
    }

    @Test
    void aSiteSlowerThanTheTimeoutIsCutOffAndNamed() throws Exception {
        // a site that takes the TCP connection and never answers the TLS handshake
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            startA("federation.remote.s.name = SITE-S\nfederation.remote.s.ae-title = FED-S\n"
                    + "federation.remote.s.host = 127.0.0.1\nfederation.remote.s.port = " + silent.getLocalPort()
                    + "\nfederation.remote.s.may-there = query\n");
            FederationSite.Answer fed = a.find("VIEWER", "FEDERATION", studyKeys());
            assertEquals(FederatedFindScp.WARNING_PARTIAL, fed.last().status(), fed.last().describe());
            assertTrue(fed.last().errorComment().contains("SITE-S"), fed.last().errorComment());
            assertEquals(3, fed.matches().size(), "A's and B's studies");
            assertTrue(fed.millis() >= TIMEOUT_SECONDS * 1000L - 100 && fed.millis() < TIMEOUT_SECONDS * 1000L + 5000,
                    "answered in about the timeout: " + fed.millis() + " ms");
        }
    }

    @Test
    void aCancelStopsTheWaitForASlowSite() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            startA("federation.remote.s.name = SITE-S\nfederation.remote.s.ae-title = FED-S\n"
                    + "federation.remote.s.host = 127.0.0.1\nfederation.remote.s.port = " + silent.getLocalPort()
                    + "\nfederation.remote.s.may-there = query\n");
            AAssociateRQ rq = new AAssociateRQ("VIEWER", "FEDERATION");
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                    UID.ExplicitVRLittleEndian));
            long t0 = System.nanoTime();
            try (Association as = new org.gridpacs.dicom.net.Connector(FederationSite.NET).connect("127.0.0.1",
                    a.node().dicomPort(), rq, null)) {
                java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
                DimseResponse last = as.findResponses(UID.StudyRootQueryRetrieveInformationModelFind, studyKeys(),
                        rsp -> {
                            if (sent.compareAndSet(false, true)) {
                                try {
                                    as.cancel(1, rsp.command().getInt(Tag.MessageIDBeingRespondedTo, 0));
                                } catch (java.io.IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            }
                        });
                assertEquals(Status.CANCEL, last.status(), last.describe());
                as.release();
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < TIMEOUT_SECONDS * 1000L - 500, "not waiting for the slow site: " + millis + " ms");
        }
    }

    @Test
    void aSiteWithoutQueryPermissionIsRefusedAndAudited() throws Exception {
        c.configure(FederationSite.remote("b", b, b.federationPort(), "none", "query"));
        FederationSettings cs = FederationSettings.load(c.confDir.resolve("federation.properties"), c.runDir);
        RemoteSite siteB = cs.remote("b").orElseThrow();
        FederationConnector connector = new FederationConnector(SiteTls.load(cs, TrustEvents.LOG), FederationSite.NET);
        AAssociateRQ rq = connector.request(siteB);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        try (Association as = connector.connect(siteB, rq, null)) {
            DimseResponse r = as.find(UID.StudyRootQueryRetrieveInformationModelFind, studyKeys(), m -> {
                throw new AssertionError("a match for a site that may not query");
            });
            assertEquals(Status.NOT_AUTHORIZED, r.status(), r.describe());
            assertTrue(r.errorComment().contains("SITE-C"), r.errorComment());
            as.release();
        }
        List<AuditRecord> alerts = b.audit().stream()
                .filter(r -> r.message().event() == AuditEvent.SECURITY_ALERT).toList();
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).message().outcomeDescription().contains("SITE-C"));
        assertEquals("FED-C", alerts.get(0).message().participant(AuditCode.SOURCE).orElseThrow().aeTitle());
        assertTrue(queries(b).isEmpty());
    }

    @Test
    void aSiteOfAnUntrustedCaIsRefusedAtTheHandshakeAndAudited() throws Exception {
        startA("");
        // C trusts A, A does not trust C's CA
        c.trust(a);
        c.configure(FederationSite.remote("a", a, a.federationPort(), "none", "query"));
        FederationSettings cs = FederationSettings.load(c.confDir.resolve("federation.properties"), c.runDir);
        FederationConnector connector = new FederationConnector(SiteTls.load(cs, TrustEvents.LOG), FederationSite.NET);
        assertThrows(java.io.IOException.class, () -> connector.connectForEcho(cs.remote("a").orElseThrow()).close());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<AuditRecord> alerts;
        do {
            alerts = a.audit().stream().filter(r -> r.message().event() == AuditEvent.SECURITY_ALERT).toList();
        } while (alerts.isEmpty() && System.nanoTime() < deadline && sleep());
        assertEquals(1, alerts.size());
        assertEquals(List.of(AuditCode.NODE_AUTHENTICATION), alerts.get(0).message().eventTypes());
        assertTrue(alerts.get(0).message().outcomeDescription().contains("certification path"),
                alerts.get(0).message().outcomeDescription());
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private static List<AuditRecord> queries(FederationSite s) throws Exception {
        return s.audit().stream().filter(r -> r.message().event() == AuditEvent.QUERY).toList();
    }

    /** The Query records once {@code expected} are there: they are written just after the answer, not before. */
    private static List<AuditRecord> queries(FederationSite s, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<AuditRecord> q = queries(s);
        while (q.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            q = queries(s);
        }
        return q;
    }
}
