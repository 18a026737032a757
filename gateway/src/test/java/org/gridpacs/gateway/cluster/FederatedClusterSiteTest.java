package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteCertificates;
import org.gridpacs.gateway.node.OrthancSite;
import org.gridpacs.pki.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The 2-node cluster as a federation site (issue 15, item 6; docs/federation.md, "A cluster as a site"): site A is a
 * {@link ClusterProcesses} cluster whose members all run the gateway (FEDERATION on HAProxy's DICOM entry, each
 * member's own federation TLS port behind HAProxy's federation entry, TLS passed through), site B one node process
 * ({@code pacs node} with its own conf/), each site with its own CA trusting the other's, and site C Orthanc 1.10
 * ({@link OrthancSite}: DICOM TLS, a CA of its own that A trusts, A's CA trusted in turn, A's HAProxy federation
 * entry its modality with "UseDicomTls"). DCMTK against site A's HAProxy entry: findscu to FEDERATION finds A's, B's
 * and Orthanc's studies, each saying where it is held and to be retrieved through FEDERATION; movescu brings a study
 * only B holds into storescp, element by element as B serves it; findscu to B's gateway finds A's study through
 * HAProxy's federation entry; Orthanc, through its REST API, queries A over TLS through that entry and retrieves
 * (C-MOVE to itself) A's study, element by element as stored; {@code pacs export --deidentify basic} from A arrives
 * at B de-identified. Site B killed: the federated C-FIND answers in about the timeout with A's and Orthanc's studies
 * and 0xB000, and the C-MOVE of B's study fails. One cluster start for all.
 */
@ProcessTest
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FederatedClusterSiteTest {
    private static final Set<Integer> AVOID = Set.of(11112, 11113, 11121, 11122, 8080, 8081, 8082, 8404, 5701, 5702,
            11762, 11771, 11772, 12112, 12762, 4242, 8042);
    private static final String PATIENT_A = "SITEA^PATIENT";
    /**
     * The federated C-FIND's per-site timeout: low, yet above what a first cross-site query (cold JVMs, first TLS
     * handshakes) takes on this shared 2-core machine under load (3 s was exceeded once at load average 18).
     */
    private static final int QUERY_TIMEOUT_SECONDS = 8;

    @TempDir
    Path tmp;
    private Process siteB;
    private Peers.Peer storescp;
    private ClusterProcesses siteA;
    private OrthancSite siteC;

    @AfterEach
    void stop() throws InterruptedException {
        if (siteA != null) {
            siteA.close();
        }
        if (siteB != null && siteB.isAlive()) {
            siteB.destroy();
            if (!siteB.waitFor(30, TimeUnit.SECONDS)) {
                siteB.destroyForcibly();
            }
        }
        if (storescp != null) {
            storescp.close();
        }
        if (siteC != null) {
            siteC.close();
        }
    }

    @Test
    void theClusterIsASiteOfTheFederation() throws Exception {
        Dcmtk.require();
        long begin = System.nanoTime();
        Set<Integer> taken = new HashSet<>();
        int aFederation = Ports.freePort(taken, AVOID);
        int bDicom = Ports.freePort(taken, AVOID);
        int bHttp = Ports.freePort(taken, AVOID);
        int bFederation = Ports.freePort(taken, AVOID);
        storescp = Peers.storescp(tmp.resolve("storescp"), "STORESCP");

        // each site's CA and gateway certificate (as pacs federation-certs makes them), each trusting the other's
        Path aTls = tmp.resolve("a-site");
        Files.createDirectories(aTls);
        Files.writeString(aTls.resolve("federation.properties"), "federation.enabled = true\n");
        SiteCertificates aCerts = certificates(aTls.resolve("federation.properties"), aTls);
        aCerts.init("SITE-A", "FEDERATION", List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
        Path bConf = Files.createDirectories(tmp.resolve("b/conf"));
        Path bData = tmp.resolve("b/data");
        Files.writeString(bConf.resolve("federation.properties"), """
                federation.enabled = true
                federation.site-name = SITE-B
                federation.ae-title = FED-B
                federation.bind = 127.0.0.1
                federation.port = %d
                """.formatted(bFederation) + remote("a", "SITE-A", "FEDERATION", aFederation));
        SiteCertificates bCerts = certificates(bConf.resolve("federation.properties"), bData);
        bCerts.init("SITE-B", "FED-B", List.of("127.0.0.1", "localhost"), 2, KeyType.EC);
        aCerts.importCa(bData.resolve("federation/tls/" + SiteCertificates.CA_PEM), "site-b");
        bCerts.importCa(aTls.resolve("federation/tls/" + SiteCertificates.CA_PEM), "site-a");
        Files.writeString(bConf.resolve("node.properties"), """
                dicom.aeTitle = PACS
                dicom.bindAddress = 127.0.0.1
                dicom.port = %d
                http.port = %d
                storage.fsync = false
                """.formatted(bDicom, bHttp));
        Files.writeString(bConf.resolve("dose.properties"), "");

        // site B's JVM starts while the cluster does
        ProcessBuilder pb = new ProcessBuilder(ClusterProcesses.LAUNCHER.toString(), "node", "--data", bData.toString(),
                "--config", bConf.resolve("node.properties").toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("site-b.log").toFile());
        pb.environment().put("PACS_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC");
        siteB = pb.start();
        Path fedTls = aTls.resolve("federation/tls");
        // site C, Orthanc, also while B's JVM starts: its CA trusted by A before A starts; it calls A's federation
        // entry (HAProxy, TLS passed through to a member) with DICOM TLS, trusting A's CA
        long c0 = System.nanoTime();
        siteC = new OrthancSite(tmp.resolve("c"), "SITE-C", "ORTHANC");
        aCerts.importCa(siteC.caPem(), "site-c");
        siteC.start(fedTls.resolve(SiteCertificates.CA_PEM), "FEDERATION", aFederation);
        // Orthanc says over what it called (DICOM TLS) only at this level
        siteC.rest().put("/tools/log-level", "verbose");
        System.out.printf("site C (Orthanc) up in %d ms%n", (System.nanoTime() - c0) / 1_000_000);
        siteA = ClusterProcesses.builder(tmp.resolve("a")).nodes(2).fsync(false).avoidPorts(taken)
                .nodeSetting("ae.STORESCP = 127.0.0.1:" + storescp.port())
                .federation(aFederation, """
                        federation.site-name = SITE-A
                        federation.ae-title = FEDERATION
                        federation.tls.key-store = %s
                        federation.tls.trust-store = %s
                        federation.tls.password-file = %s
                        federation.tls.crl = %s
                        federation.query.timeout-seconds = %d
                        federation.retrieve.locate-timeout-ms = 8000
                        """.formatted(fedTls.resolve("gateway.p12"), fedTls.resolve("trust.p12"),
                        fedTls.resolve("password"), fedTls.resolve("crl.pem"), QUERY_TIMEOUT_SECONDS)
                        + remote("b", "SITE-B", "FED-B", bFederation)
                        + remote("c", siteC.name, siteC.aeTitle, siteC.peer().port()))
                .start();
        awaitHealthy(siteB, bHttp, tmp.resolve("site-b.log"));
        long started = System.nanoTime();
        System.out.printf("sites up after %d s%n", (started - begin) / 1_000_000_000);
        for (ClusterProcesses.Node n : siteA.nodes()) {
            assertFalse(Ports.isFree(n.federationPort()), n + " listens on its own federation port "
                    + n.federationPort());
        }

        // a study at A (through A's entry, PACS), one only B holds (B's own PACS), one only Orthanc holds (its REST)
        String studyA = Implementation.newUID();
        String studyB = Implementation.newUID();
        String studyC = Implementation.newUID();
        List<Path> filesA = files("a-files", "A-1", PATIENT_A, studyA, 2);
        store(siteA.entryPort(), filesA);
        store(bDicom, files("b-files", "B-1", "SITEB^PATIENT", studyB, 3));
        siteC.upload(files("c-files", "C-1", "SITEC^PATIENT", studyC, 1));

        // 1. findscu to FEDERATION on A's HAProxy entry: the three sites' studies
        Dcmtk.Result find = findscu(siteA.entryPort(), "-d");
        assertEquals(0, find.exitCode(), find.output());
        assertTrue(find.output().contains(studyA) && find.output().contains(studyB), find.output());
        assertTrue(find.output().contains("[FED-B"), "B's study says where it is held: " + find.output());
        // each match: the site holding it (Storage Media File-set ID) and the AE to retrieve it from (ours)
        for (String[] held : new String[][] {{studyA, "FEDERATION"}, {studyB, "FED-B"}, {studyC, "ORTHANC"}}) {
            String match = match(find.output(), held[0]);
            assertTrue(match.contains("(0088,0130) SH [" + held[1]), held[1] + "'s study: " + match);
            assertTrue(match.contains("(0008,0054) AE [FEDERATION"), "retrieved through A: " + match);
        }
        // -d: the final response's status (and an Error Comment, if any) in the DIMSE dump
        assertTrue(find.output().contains("0x0000: Success: Matching is complete"), find.output());
        // and from B's side: B's gateway reaches A's members through HAProxy's federation entry (TLS passed through)
        Dcmtk.Result fromB = Dcmtk.run(60, "findscu", "-v", "-S", "-aet", "VIEWER", "-aec", "FED-B", "127.0.0.1",
                String.valueOf(bDicom), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "-k",
                "StorageMediaFileSetID");
        assertTrue(fromB.output().contains(studyA) && fromB.output().contains("[FEDERATION"), fromB.output());
        assertTrue(fromB.output().contains("Final Find Response (Success)"), fromB.output());
        // and from Orthanc's side: its REST API queries A through HAProxy's federation entry over TLS, then
        // retrieves A's study by a C-MOVE to itself (A's member stores to Orthanc over TLS)
        long c1 = System.nanoTime();
        JsonNode q = siteC.rest().post("/modalities/gridpacs/query",
                "{\"Level\": \"Study\", \"Query\": {\"StudyInstanceUID\": \"" + studyA + "\"}}");
        String queryId = q.get("ID").asText();
        JsonNode answers = siteC.rest().get("/queries/" + queryId + "/answers");
        assertEquals(1, answers.size(), "Orthanc's answers: " + answers + "\n" + siteC.peer().logTail());
        assertTrue(Files.readString(siteC.peer().log()).contains("connection using DICOM TLS from AET \"ORTHANC\""),
                siteC.peer().logTail());
        siteC.rest().post("/queries/" + queryId + "/answers/0/retrieve",
                "{\"TargetAet\": \"ORTHANC\", \"Synchronous\": true}");
        JsonNode atC = siteC.rest().post("/tools/find",
                "{\"Level\": \"Instance\", \"Query\": {\"StudyInstanceUID\": \"" + studyA + "\"}}");
        assertEquals(filesA.size(), atC.size(), "A's instances in Orthanc: " + atC + "\n" + siteC.peer().logTail());
        Map<String, Path> sentA = new HashMap<>();
        for (Path f : filesA) {
            sentA.put(Instances.read(f).sopInstanceUID(), f);
        }
        for (JsonNode instance : atC) {
            Path file = tmp.resolve("from-orthanc-" + instance.asText() + ".dcm");
            Files.write(file, siteC.rest().getBytes("/instances/" + instance.asText() + "/file"));
            Path original = sentA.remove(Instances.read(file).sopInstanceUID());
            assertTrue(original != null, file + " is not one of A's, or came twice");
            // Orthanc stores through DCMTK: string padding as DCMTK writes it
            Instances.assertSameInstance(original, file, true, Instances::normalizeLikeDcmtkStoring);
        }
        System.out.printf("Orthanc's query and retrieve of A's study: %d ms%n", (System.nanoTime() - c1) / 1_000_000);

        System.out.printf("%d s%n", (System.nanoTime() - started) / 1_000_000_000);
        // 2. movescu of B's study through A's entry into storescp, compared with what B serves itself
        Dcmtk.Result move = movescu(studyB);
        assertEquals(0, move.exitCode(), move.output());
        Map<String, Path> moved = Instances.bySopInstanceUID(storescp.files());
        assertEquals(3, moved.size(), move.output() + "\n" + storescp.logTail());
        Path atB = Files.createDirectories(tmp.resolve("from-b"));
        Dcmtk.Result get = Dcmtk.run(60, "getscu", "-S", "-aet", "CHECK", "-aec", "PACS", "-od", atB.toString(),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyB, "127.0.0.1",
                String.valueOf(bDicom));
        Map<String, Path> direct = Instances.bySopInstanceUID(atB);
        assertEquals(moved.keySet(), direct.keySet(), get.output());
        for (Map.Entry<String, Path> e : direct.entrySet()) {
            DataSetDiff.assertSameDataSet(Instances.normalizeLikeDcmtkStoring(Instances.read(e.getValue()).dataSet()),
                    Instances.normalizeLikeDcmtkStoring(Instances.read(moved.get(e.getKey())).dataSet()), e.getKey());
        }

        System.out.printf("%d s%n", (System.nanoTime() - started) / 1_000_000_000);
        // 3. pacs export --deidentify basic of A's study to B: arrives de-identified
        Process export = new ProcessBuilder(ClusterProcesses.LAUNCHER.toString(), "export", "--study", studyA, "--to",
                "SITE-B", "--deidentify", "basic", "--server", "http://127.0.0.1:" + siteA.httpEntryPort())
                .redirectErrorStream(true).start();
        String exportOut = new String(export.getInputStream().readAllBytes());
        assertTrue(export.waitFor(90, TimeUnit.SECONDS), exportOut);
        assertEquals(0, export.exitValue(), exportOut);
        Dcmtk.Result atBStudies = Dcmtk.run(30, "findscu", "-v", "-S", "-aet", "CHECK", "-aec", "PACS", "127.0.0.1",
                String.valueOf(bDicom), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "-k", "PatientName");
        List<String> bStudies = studyUids(atBStudies.output());
        bStudies.remove(studyB);
        assertEquals(1, bStudies.size(), "B holds its study and the exported one: " + atBStudies.output());
        String exported = bStudies.get(0);
        assertNotEquals(studyA, exported, "the Study Instance UID is remapped");
        Path exportedDir = Files.createDirectories(tmp.resolve("exported"));
        Dcmtk.run(60, "getscu", "-S", "-aet", "CHECK", "-aec", "PACS", "-od", exportedDir.toString(),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + exported, "127.0.0.1",
                String.valueOf(bDicom));
        Map<String, Path> deidentified = Instances.bySopInstanceUID(exportedDir);
        assertEquals(2, deidentified.size());
        for (Path f : deidentified.values()) {
            DataSet ds = Instances.read(f).dataSet();
            assertEquals("YES", ds.getString(Tag.PatientIdentityRemoved), f.toString());
            assertNotEquals(PATIENT_A, ds.getString(Tag.PatientName), f.toString());
        }

        System.out.printf("%d s%n", (System.nanoTime() - started) / 1_000_000_000);
        // 4. site B killed: A's studies and 0xB000 in about the timeout; B's study cannot be moved
        siteB.destroyForcibly();
        assertTrue(siteB.waitFor(30, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        Dcmtk.Result partial = findscu(siteA.entryPort(), "-d");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, partial.exitCode(), partial.output());
        assertTrue(partial.output().contains(studyA), partial.output());
        assertTrue(partial.output().contains(studyC), "Orthanc still answers: " + partial.output());
        assertFalse(partial.output().contains(studyB), partial.output());
        assertTrue(partial.output().matches("(?s).*DIMSE Status\\s*: 0xb000: Warning.*"), partial.output());
        assertTrue(partial.output().contains("missing SITE-B"), partial.output());
        assertTrue(millis < (QUERY_TIMEOUT_SECONDS + 5) * 1000L, "answered in " + millis + " ms");
        clear(storescp.files());
        Dcmtk.Result failed = Dcmtk.run(60, "movescu", "-d", "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "-aem",
                "STORESCP", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyB, "127.0.0.1",
                String.valueOf(siteA.entryPort()));
        assertTrue(failed.output().matches("(?s).*DIMSE Status\\s*: 0xc\\p{XDigit}{3}.*"),
                "a failure status: " + failed.output());
        assertEquals(0, Instances.bySopInstanceUID(storescp.files()).size());
        System.out.printf("federated C-FIND with site B down: %d ms (timeout %d s)%n", millis, QUERY_TIMEOUT_SECONDS);
    }

    private static SiteCertificates certificates(Path federationProperties, Path runDir) throws IOException {
        return new SiteCertificates(FederationSettings.load(federationProperties, runDir).tls());
    }

    private static String remote(String id, String name, String ae, int port) {
        String k = "federation.remote." + id + ".";
        return k + "name = " + name + "\n" + k + "ae-title = " + ae + "\n" + k + "host = 127.0.0.1\n" + k + "port = "
                + port + "\n" + k + "may-here = query, retrieve, send\n" + k + "may-there = query, retrieve, send\n";
    }

    private static void awaitHealthy(Process p, int httpPort, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (ClusterProcesses.httpStatus("http://127.0.0.1:" + httpPort + "/health") != 200) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("site B did not start:\n" + ClusterProcesses.tail(log, 40));
            }
            Thread.sleep(100);
        }
    }

    /** {@code n} CT instances of one study as Part 10 files. */
    private List<Path> files(String dir, String patientId, String patientName, String study, int n) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        String series = Implementation.newUID();
        List<Path> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            DataSet ds = SyntheticInstances.ct(patientId, study, series, i, i);
            ds.setString(Tag.PatientName, org.gridpacs.dicom.data.VR.PN, patientName);
            Path f = d.resolve("i" + i + ".dcm");
            try (OutputStream os = Files.newOutputStream(f); DicomOutputStream dos = new DicomOutputStream(os)) {
                dos.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                        ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
                dos.writeDataSet(ds);
            }
            out.add(f);
        }
        return out;
    }

    private static void store(int port, List<Path> files) throws Exception {
        DcmtkClients.StoreRun r = DcmtkClients.storescu("MODALITY", "PACS", "127.0.0.1", port, files, 60);
        assertTrue(r.ok() && r.acknowledged().size() == files.size(), r.output());
    }

    private static Dcmtk.Result findscu(int port, String verbosity) throws Exception {
        return Dcmtk.run(60, "findscu", verbosity, "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "127.0.0.1",
                String.valueOf(port), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID", "-k", "PatientID",
                "-k", "RetrieveAETitle", "-k", "StorageMediaFileSetID");
    }

    private Dcmtk.Result movescu(String study) throws Exception {
        return Dcmtk.run(120, "movescu", "-v", "-S", "-aet", "VIEWER", "-aec", "FEDERATION", "-aem", "STORESCP",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "127.0.0.1",
                String.valueOf(siteA.entryPort()));
    }

    /** The data set dump of findscu's output (from one "# Dicom-Data-Set" to the next) that names {@code uid}. */
    private static String match(String output, String uid) {
        for (String block : output.split("# Dicom-Data-Set")) {
            if (block.contains(uid)) {
                return block;
            }
        }
        return "";
    }

    /** The Study Instance UIDs of findscu's -v output. */
    private static List<String> studyUids(String output) {
        List<String> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            int i = line.indexOf("(0020,000d) UI [");
            if (i >= 0) {
                String v = line.substring(i + "(0020,000d) UI [".length());
                // a UID of odd length is padded with a NUL
                out.add(v.substring(0, v.indexOf(']')).replace("\0", "").strip());
            }
        }
        return out;
    }

    private static void clear(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
