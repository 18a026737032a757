package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.testutil.Dcmtk.Result;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.Instances;

/**
 * The running node with Orthanc 1.10 on both sides of C-MOVE: the node moves studies to Orthanc (a known AE), and
 * Orthanc, which knows the node as a DICOM modality, sends studies into it, asked over its REST API and by a C-MOVE
 * naming the node as destination. Orthanc is checked through its REST API, the node through C-FIND and its files.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ProcessTest
class OrthancInteropTest {
    @TempDir
    static Path tmp;
    static Peers.Peer orthanc;
    static String orthancHttp;
    static RunningNode node;

    @BeforeAll
    static void startOrthancAndNode() throws Exception {
        org.gridpacs.dicom.testutil.Dcmtk.require();
        // each needs the other's port: the node's is chosen first and given to Orthanc's configuration
        int nodePort = Ports.freePort();
        orthanc = Peers.orthanc(tmp.resolve("orthanc"), "ORTHANC",
                Map.of("GRIDPACS", new Peers.Modality(RunningNode.AET, Peers.HOST, nodePort)));
        Matcher m = Pattern.compile("\"HttpPort\"\\s*:\\s*(\\d+)")
                .matcher(Files.readString(orthanc.dir().resolve("orthanc.json")));
        assertTrue(m.find());
        orthancHttp = "http://" + Peers.HOST + ":" + m.group(1);
        awaitHttp();
        node = RunningNode.start(tmp.resolve("node"), "dicom.port=" + nodePort,
                "ae.ORTHANC=" + Peers.HOST + ":" + orthanc.port());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    /** The node moves two studies to Orthanc; Orthanc then holds every instance, as it was sent to the node. */
    @Test
    void nodeMovesStudiesToOrthanc() throws Exception {
        List<Path> sent = new ArrayList<>();
        for (String name : List.of("CT_small.dcm", "MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "JPEG2000.dcm")) {
            sent.add(TestData.pydicomFile(name));
        }
        Path ct = tmp.resolve("ct-to-orthanc");
        new SyntheticCtSeries(128, 128, 2.0, 3.0).write(ct, 12, "ORTH-OUT", "Phantom^Out");
        try (Stream<Path> s = Files.list(ct)) {
            sent.addAll(s.sorted().toList());
        }
        for (Path f : sent) {
            storeWithStorescu(f);
        }
        Map<String, Path> bySop = new HashMap<>();
        Map<String, Integer> studies = new HashMap<>();
        for (Path f : sent) {
            Instances.Instance i = Instances.read(f);
            bySop.put(i.sopInstanceUID(), f);
            studies.merge(i.dataSet().getString(Tag.StudyInstanceUID), 1, Integer::sum);
        }

        for (Map.Entry<String, Integer> study : studies.entrySet()) {
            DataSet keys = new DataSet();
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            keys.setString(Tag.StudyInstanceUID, VR.UI, study.getKey());
            try (Association as = node.connectForQuery("MOVESCU")) {
                DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "ORTHANC", keys, p -> { });
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
                assertEquals(study.getValue(), rsp.completed(), "sub-operations completed for " + study.getKey());
                assertEquals(0, rsp.failed());
                as.release();
            }
        }

        // Orthanc's view: the studies, and each instance's file as it was sent
        String list = get("/studies?expand");
        for (String study : studies.keySet()) {
            assertTrue(list.contains(study), "Orthanc has study " + study);
        }
        List<String> instanceIds = ids(get("/instances"));
        int found = 0;
        for (String id : instanceIds) {
            Path file = tmp.resolve("from-orthanc-" + id + ".dcm");
            Files.write(file, getBytes("/instances/" + id + "/file"));
            String sop = Instances.read(file).sopInstanceUID();
            Path original = bySop.get(sop);
            if (original != null) {
                // Orthanc keeps what it receives, but through DCMTK: see Instances.normalizeLikeDcmtkStoring
                Instances.assertSameInstance(original, file, true, Instances::normalizeLikeDcmtkStoring);
                found++;
            }
        }
        assertEquals(sent.size(), found, "instances in Orthanc among " + instanceIds.size());
    }

    /**
     * Orthanc sends studies into the node: one because its REST API is asked to store it to the node's modality
     * entry (Orthanc as C-STORE SCU), one because a C-MOVE asks Orthanc to move it to the node's AE title (Orthanc
     * as C-MOVE SCP, the move source). C-FIND on the node then finds them, and the node's files are the originals.
     */
    @Test
    void orthancSendsStudiesIntoTheNode() throws Exception {
        List<Path> viaRest = new ArrayList<>();
        for (String name : List.of("rtplan.dcm", "GDCMJ2K_TextGBR.dcm", "ExplVR_BigEnd.dcm", "image_dfl.dcm")) {
            viaRest.add(TestData.pydicomFile(name));
        }
        Path ct = tmp.resolve("ct-from-orthanc");
        String movedStudy = new SyntheticCtSeries(128, 128, 2.0, 3.0).write(ct, 8, "ORTH-IN", "Phantom^In");
        List<Path> viaMove;
        try (Stream<Path> s = Files.list(ct)) {
            viaMove = s.sorted().toList();
        }
        List<String> restStudies = new ArrayList<>();
        for (Path f : viaRest) {
            restStudies.add(field(post("/instances", Files.readAllBytes(f), "application/dicom"), "ParentStudy"));
        }
        for (Path f : viaMove) {
            post("/instances", Files.readAllBytes(f), "application/dicom");
        }

        // 1. REST: POST /modalities/GRIDPACS/store, synchronously
        String body = "{\"Resources\": [" + String.join(", ", restStudies.stream().distinct().map(s -> "\"" + s + "\"").toList())
                + "], \"Synchronous\": true}";
        String answer = post("/modalities/GRIDPACS/store", body.getBytes(), "application/json");
        assertTrue(answer.matches("(?s).*\"FailedInstancesCount\"\\s*:\\s*0\\s*,.*"), answer);
        assertTrue(answer.matches("(?s).*\"InstancesCount\"\\s*:\\s*" + viaRest.size() + "\\s*,.*"), answer);

        // 2. C-MOVE to Orthanc with the node as destination, from the node's own AE title (a known modality there)
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, movedStudy);
        AAssociateRQ rq = new AAssociateRQ(RunningNode.AET, "ORTHANC");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect(Peers.HOST, orthanc.port(), rq, null)) {
            DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, RunningNode.AET, keys, p -> { });
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe() + "\n" + orthanc.logTail());
            assertEquals(viaMove.size(), rsp.completed());
            as.release();
        }

        // the node finds them, and holds each file as it was given to Orthanc
        List<Path> all = new ArrayList<>(viaRest);
        all.addAll(viaMove);
        Map<String, Path> stored = Instances.bySopInstanceUID(node.storageRoot());
        for (Path f : all) {
            Instances.Instance i = Instances.read(f);
            List<DataSet> match = node.find("IMAGE", Tag.StudyInstanceUID, i.dataSet().getString(Tag.StudyInstanceUID),
                    Tag.SeriesInstanceUID, i.dataSet().getString(Tag.SeriesInstanceUID),
                    Tag.SOPInstanceUID, i.sopInstanceUID());
            assertEquals(1, match.size(), "C-FIND on the node for " + f);
            Path file = stored.get(i.sopInstanceUID());
            assertNotNull(file, f + " is not in the node's storage");
            Instances.assertSameInstance(f, file, true, Instances::normalizeLikeDcmtkStoring);
        }
        List<DataSet> series = node.find("SERIES", Tag.StudyInstanceUID, movedStudy, Tag.SeriesInstanceUID, "",
                Tag.NumberOfSeriesRelatedInstances, "");
        assertEquals(1, series.size());
        assertEquals(String.valueOf(viaMove.size()), series.get(0).getString(Tag.NumberOfSeriesRelatedInstances));
    }

    /** storescu of one file, proposing its own transfer syntax; it must be stored. */
    private static void storeWithStorescu(Path f) throws IOException, InterruptedException {
        Result r = Dcmtk.storescu(node, "STORESCU", f, "-R",
                Dcmtk.storescuOption(Instances.read(f).transferSyntaxUID()));
        assertEquals("Success", Dcmtk.lastResponse(r.output(), "Store"), f + "\n" + r.output());
    }

    // ---------------------------------------------------------------- Orthanc's REST API

    private static void awaitHttp() throws Exception {
        long end = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                get("/system");
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > end) {
                    throw new IOException("Orthanc's REST API does not answer at " + orthancHttp + "\n" + orthanc.logTail(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * A client per request: Orthanc's HTTP server closes idle keep-alive connections, and a shared client would
     * send the next request on such a connection ("header parser received no bytes").
     */
    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String get(String path) throws IOException, InterruptedException {
        return new String(getBytes(path), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> rsp = http().send(HttpRequest.newBuilder(URI.create(orthancHttp + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (rsp.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + rsp.statusCode());
        }
        return rsp.body();
    }

    private static String post(String path, byte[] body, String type) throws IOException, InterruptedException {
        HttpResponse<String> rsp = http().send(HttpRequest.newBuilder(URI.create(orthancHttp + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rsp.statusCode(), "POST " + path + ": " + rsp.body() + "\n" + orthanc.logTail());
        return rsp.body();
    }

    /** The string values of a JSON array of strings (Orthanc's lists of resource IDs). */
    private static List<String> ids(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A top-level string field of a small JSON object. */
    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1);
    }
}
