package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditRecord;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Orthanc 1.10 (Debian) as a third, foreign site (issue 15): DICOM TLS on, its certificate from a CA of its own made
 * by our {@code SiteCertificates} ({@link OrthancSite}). Site A (one node with its federation gateway) imports that
 * CA and lists Orthanc as remote site c; Orthanc knows A's gateway as a modality with "UseDicomTls". DCMTK's
 * findscu and movescu ask A's gateway AE for a study only Orthanc holds; Orthanc, through its REST API, queries A
 * over TLS and retrieves a study only A holds; an Orthanc with a certificate naming another AE, or from a CA A does
 * not trust, is refused and audited.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ProcessTest
class OrthancSiteTest {
    @TempDir
    static Path tmp;
    static FederationSite a;
    static OrthancSite orthanc;
    static Peers.Peer storescp;
    static String studyO;
    static List<Path> filesO;
    static String studyA;
    static List<Path> filesA;

    @BeforeAll
    static void sites() throws Exception {
        Dcmtk.require();
        a = new FederationSite(tmp.resolve("a"), "SITE-A", "FEDERATION");
        orthanc = new OrthancSite(tmp.resolve("orthanc"), "ORTHANC-SITE", "ORTHANC");
        a.certificates().importCa(orthanc.caPem(), "orthanc-site");
        // each needs the other's port: A's federation port is chosen first and given to Orthanc's configuration
        int federationPort = Ports.freePort();
        orthanc.start(a.runDir.resolve("federation/tls/site-ca.pem"), "FEDERATION", federationPort);
        storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP");
        a.configure(orthanc.remote("c", "query, retrieve", "query, retrieve"), federationPort);
        Properties node = new Properties();
        node.setProperty("ae.STORESCP", Peers.HOST + ":" + storescp.port());
        a.start(node);

        studyO = new SyntheticCtSeries(64, 64, 2.0, 3.0).write(tmp.resolve("at-orthanc"), 3, "ORTH-1", "Foreign^Only");
        filesO = files(tmp.resolve("at-orthanc"));
        orthanc.upload(filesO);
        // Orthanc says which DIMSE services it answered (C-GET, C-MOVE) and over what only at this level
        orthanc.rest().put("/tools/log-level", "verbose");
        studyA = new SyntheticCtSeries(64, 64, 2.0, 3.0).write(tmp.resolve("at-a"), 2, "A-1", "Local^Only");
        filesA = files(tmp.resolve("at-a"));
        List<DataSet> ds = new ArrayList<>();
        for (Path f : filesA) {
            ds.add(Instances.read(f).dataSet());
        }
        a.store(ds.toArray(DataSet[]::new));
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (storescp != null) {
            storescp.close();
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** (a) findscu to A's gateway AE: A's study and Orthanc's, Orthanc's saying it is held by ORTHANC. */
    @Test
    void findscuToTheGatewayFindsOrthancsStudyWithOurs() throws Exception {
        Dcmtk.Result r = Dcmtk.run(60, "findscu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION", Peers.HOST,
                String.valueOf(a.node().dicomPort()), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID",
                "-k", "PatientID", "-k", "RetrieveAETitle", "-k", "StorageMediaFileSetID");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains(studyA), "our study: " + r.output());
        assertTrue(r.output().contains(studyO), "Orthanc's study: " + r.output());
        String orthancMatch = match(r.output(), studyO);
        assertTrue(orthancMatch.contains("(0088,0130) SH [ORTHANC"), "held by Orthanc's site: " + orthancMatch);
        assertTrue(orthancMatch.contains("(0008,0054) AE [FEDERATION"), "retrieved through us: " + orthancMatch);
        assertTrue(r.output().contains("Final Find Response (Success)"), r.output());
    }

    /** The lines of the findscu match (between two "Find Response" lines) that names {@code uid}. */
    private static String match(String output, String uid) {
        for (String block : output.split("Find Response")) {
            if (block.contains(uid)) {
                return block;
            }
        }
        return "";
    }

    /** (b) movescu to A's gateway AE: Orthanc's study relayed from Orthanc over TLS into storescp, as uploaded. */
    @Test
    void movescuToTheGatewayBringsOrthancsStudy() throws Exception {
        Dcmtk.Result r = Dcmtk.run(60, "movescu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "-aem",
                "STORESCP", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyO, Peers.HOST,
                String.valueOf(a.node().dicomPort()));
        assertEquals(0, r.exitCode(), r.output() + "\n--- Orthanc ---\n" + orthanc.peer().logTail());
        assertTrue(r.output().contains("Final Move Response (Success)"), r.output());
        Map<String, Path> received = Instances.bySopInstanceUID(storescp.files());
        for (Path f : filesO) {
            Path got = received.get(Instances.read(f).sopInstanceUID());
            assertTrue(got != null, f + " did not arrive: " + received.keySet());
            // Orthanc stores through DCMTK: string padding as DCMTK writes it
            Instances.assertSameInstance(f, got, true, Instances::normalizeLikeDcmtkStoring);
        }
        // the relay asked Orthanc with a C-GET (over TLS: Orthanc's port speaks nothing else)
        assertTrue(Files.readString(orthanc.peer().log()).contains("C-GET-SCU request received from AET \"FEDERATION\""),
                orthanc.peer().logTail());
        List<AuditRecord> relayed = a.audit().stream()
                .filter(rec -> rec.message().event() == AuditEvent.INSTANCES_TRANSFERRED
                        && rec.message().participant(AuditCode.SOURCE).map(p -> "ORTHANC".equals(p.aeTitle()))
                                .orElse(false)
                        && rec.message().participant(AuditCode.DESTINATION).map(p -> "STORESCP".equals(p.aeTitle()))
                                .orElse(false)).toList();
        assertEquals(1, relayed.size(), "one transfer from Orthanc's site to STORESCP audited at A");
        assertEquals('C', relayed.get(0).message().actionCode(), "we received them and did not hold them");
    }

    /** getscu to A's gateway AE: the same study on the requester's own association (C-GET relayed to C-GET). */
    @Test
    void getscuToTheGatewayBringsOrthancsStudy() throws Exception {
        Path got = Files.createDirectories(tmp.resolve("getscu"));
        Dcmtk.Result r = Dcmtk.run(60, "getscu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "-od",
                got.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyO, Peers.HOST,
                String.valueOf(a.node().dicomPort()));
        assertEquals(0, r.exitCode(), r.output());
        Map<String, Path> received = Instances.bySopInstanceUID(got);
        assertEquals(filesO.size(), received.size(), r.output());
        for (Path f : filesO) {
            Instances.assertSameInstance(f, received.get(Instances.read(f).sopInstanceUID()), true,
                    Instances::normalizeLikeDcmtkStoring);
        }
    }

    /** Below the study: SERIES and IMAGE level C-FINDs through the gateway reach Orthanc's series and instances. */
    @Test
    void seriesAndImageLevelQueriesReachOrthanc() throws Exception {
        Dcmtk.Result series = Dcmtk.run(60, "findscu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION",
                Peers.HOST, String.valueOf(a.node().dicomPort()), "-k", "QueryRetrieveLevel=SERIES",
                "-k", "StudyInstanceUID=" + studyO, "-k", "SeriesInstanceUID", "-k", "Modality",
                "-k", "StorageMediaFileSetID");
        assertEquals(0, series.exitCode(), series.output());
        assertEquals(1, series.output().split("\\(0020,000e\\) UI \\[").length - 1, series.output());
        assertTrue(series.output().contains("(0088,0130) SH [ORTHANC"), series.output());
        assertTrue(series.output().contains("Final Find Response (Success)"), series.output());
        Dcmtk.Result images = Dcmtk.run(60, "findscu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION",
                Peers.HOST, String.valueOf(a.node().dicomPort()), "-k", "QueryRetrieveLevel=IMAGE",
                "-k", "StudyInstanceUID=" + studyO, "-k", "SeriesInstanceUID="
                        + Instances.read(filesO.get(0)).dataSet().getString(org.gridpacs.dicom.data.Tag.SeriesInstanceUID),
                "-k", "SOPInstanceUID");
        assertEquals(0, images.exitCode(), images.output());
        for (Path f : filesO) {
            assertTrue(images.output().contains(Instances.read(f).sopInstanceUID()), images.output());
        }
    }

    /** Orthanc's DICOM port speaks TLS only: a plain C-ECHO gets nowhere (so the tests above went over TLS). */
    @Test
    void orthancsDicomPortTakesNoPlainAssociation() throws Exception {
        Dcmtk.Result r = Dcmtk.run(30, "echoscu", "-aet", "FEDERATION", "-aec", "ORTHANC", Peers.HOST,
                String.valueOf(orthanc.peer().port()));
        assertNotEquals(0, r.exitCode(), r.output());
    }

    /** (c) Orthanc queries A's federation port over TLS and retrieves (C-MOVE to itself) a study only A holds. */
    @Test
    void orthancQueriesAndRetrievesOurStudyOverTls() throws Exception {
        JsonNode q = orthanc.rest().post("/modalities/gridpacs/query",
                "{\"Level\": \"Study\", \"Query\": {\"StudyInstanceUID\": \"" + studyA + "\"}}");
        String id = q.get("ID").asText();
        JsonNode answers = orthanc.rest().get("/queries/" + id + "/answers");
        assertEquals(1, answers.size(), "Orthanc's answers: " + answers);
        // the modality's "UseDicomTls": Orthanc called our federation port (TLS only) as a TLS client
        assertTrue(Files.readString(orthanc.peer().log()).contains("connection using DICOM TLS from AET \"ORTHANC\""),
                orthanc.peer().logTail());
        orthanc.rest().post("/queries/" + id + "/answers/0/retrieve",
                "{\"TargetAet\": \"ORTHANC\", \"Synchronous\": true}");
        JsonNode found = orthanc.rest().post("/tools/find",
                "{\"Level\": \"Instance\", \"Query\": {\"StudyInstanceUID\": \"" + studyA + "\"}}");
        assertEquals(filesA.size(), found.size(), "instances of our study in Orthanc: " + found);
        Map<String, Path> ours = new java.util.HashMap<>();
        for (Path f : filesA) {
            ours.put(Instances.read(f).sopInstanceUID(), f);
        }
        for (JsonNode instance : found) {
            Path file = tmp.resolve("from-orthanc-" + instance.asText() + ".dcm");
            Files.write(file, orthanc.rest().getBytes("/instances/" + instance.asText() + "/file"));
            Path original = ours.get(Instances.read(file).sopInstanceUID());
            assertTrue(original != null, file + " is not one of ours");
            Instances.assertSameInstance(original, file, true, Instances::normalizeLikeDcmtkStoring);
        }
        List<AuditRecord> served = a.audit().stream()
                .filter(rec -> rec.message().event() == AuditEvent.INSTANCES_TRANSFERRED
                        && rec.message().participant(AuditCode.DESTINATION).map(p -> "ORTHANC".equals(p.aeTitle()))
                                .orElse(false)).toList();
        assertEquals(1, served.size(), "the transfer to Orthanc's site audited at A");
        assertEquals('R', served.get(0).message().actionCode());
    }

    /** (d) an Orthanc whose certificate names another AE, then one of a CA A does not trust: refused, audited. */
    @Test
    void anOrthancWithTheWrongCertificateIsRefusedAndAudited() throws Exception {
        // the same CA, a certificate for another AE (ORTHANC-X), used by an Orthanc calling as ORTHANC
        try (OrthancSite other = reissued()) {
            int before = alerts().size();
            assertNotEquals(200, other.rest().postStatus("/modalities/gridpacs/echo", "{}"),
                    "a C-ECHO from a certificate naming another AE");
            List<AuditRecord> after = awaitAlerts(before + 1);
            assertTrue(after.get(after.size() - 1).message().outcomeDescription().contains("ORTHANC-X"),
                    after.get(after.size() - 1).message().outcomeDescription());
            // Orthanc's side: the A-ASSOCIATE-RJ, after a TLS handshake that went through
            assertTrue(Files.readString(other.peer().log()).contains("DUL Association Rejected"),
                    other.peer().logTail());
        }
        // another CA: a new site of the same name that A never imported
        try (OrthancSite stranger = new OrthancSite(tmp.resolve("stranger"), "ORTHANC-SITE", "ORTHANC")) {
            stranger.start(a.runDir.resolve("federation/tls/site-ca.pem"), "FEDERATION", a.federationPort());
            int before = alerts().size();
            assertNotEquals(200, stranger.rest().postStatus("/modalities/gridpacs/echo", "{}"),
                    "a C-ECHO from a CA we do not trust");
            List<AuditRecord> after = awaitAlerts(before + 1);
            assertTrue(after.get(after.size() - 1).message().outcomeDescription().contains("certification path"),
                    after.get(after.size() - 1).message().outcomeDescription());
            // the handshake failed: Orthanc never got as far as an association
            assertTrue(Files.readString(stranger.peer().log()).contains("never connected"), stranger.peer().logTail());
        }
    }

    /** An Orthanc of the same site and CA whose certificate says CN=ORTHANC-X (its AE title stays ORTHANC). */
    private static OrthancSite reissued() throws Exception {
        Path dir = tmp.resolve("orthanc-x");
        // a copy of the site's folder without its gateway key store: init issues a new one from the same CA
        copyTree(tmp.resolve("orthanc/site"), dir.resolve("site"));
        Files.delete(dir.resolve("site/run/federation/tls/gateway.p12"));
        OrthancSite x = new OrthancSite(dir, "ORTHANC-SITE", "ORTHANC-X");
        return x.startAs("ORTHANC", a.runDir.resolve("federation/tls/site-ca.pem"), "FEDERATION", a.federationPort());
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static List<AuditRecord> alerts() throws Exception {
        return a.audit().stream().filter(r -> r.message().event() == AuditEvent.SECURITY_ALERT).toList();
    }

    private static List<AuditRecord> awaitAlerts(int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<AuditRecord> l = alerts();
        while (l.size() < n && System.nanoTime() < end) {
            Thread.sleep(100);
            l = alerts();
        }
        assertTrue(l.size() >= n, "Security Alerts at A: " + l.size());
        return l;
    }
}
