package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Orthanc 1.10 as the Storage Commitment SCU (its REST API {@code POST /modalities/{id}/storage-commitment}) and
 * the node as SCP: Orthanc releases the requesting association, so the node answers on a new association to
 * Orthanc's AE (ae.ORTHANC in the node's configuration), and Orthanc shows the per-instance result.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ProcessTest
class OrthancStorageCommitmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path tmp;
    static Peers.Peer orthanc;
    static String orthancHttp;
    static RunningNode node;

    @BeforeAll
    static void start() throws Exception {
        int nodePort = Ports.freePort();
        orthanc = Peers.orthanc(tmp.resolve("orthanc"), "ORTHANC",
                Map.of("GRIDPACS", new Peers.Modality(RunningNode.AET, Peers.HOST, nodePort)));
        Matcher m = Pattern.compile("\"HttpPort\"\\s*:\\s*(\\d+)")
                .matcher(Files.readString(orthanc.dir().resolve("orthanc.json")));
        assertTrue(m.find());
        orthancHttp = "http://" + Peers.HOST + ":" + m.group(1);
        node = RunningNode.start(tmp.resolve("node"), "dicom.port=" + nodePort, "commitment.waitSeconds=2",
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

    @Test
    void orthancAsksAndHearsWhatIsCommittedAndWhatIsNot() throws Exception {
        List<DataSet> sent = List.of(SyntheticInstances.ct("ORTHANC-COMMIT"), SyntheticInstances.ct("ORTHANC-COMMIT"));
        try (Association as = node.connectForStore("ORTHANC", UID.CTImageStorage)) {
            for (DataSet ds : sent) {
                assertEquals(Status.SUCCESS, RunningNode.store(as, ds).status());
            }
            as.release();
        }
        String missing = "1.2.826.0.1.3680043.2.1143.404";
        StringBuilder body = new StringBuilder("{\"DicomInstances\": [");
        for (DataSet ds : sent) {
            body.append("{\"SOPClassUID\": \"").append(UID.CTImageStorage).append("\", \"SOPInstanceUID\": \"")
                    .append(ds.getString(Tag.SOPInstanceUID)).append("\"},");
        }
        body.append("{\"SOPClassUID\": \"").append(UID.CTImageStorage).append("\", \"SOPInstanceUID\": \"")
                .append(missing).append("\"}], \"Timeout\": 60}");
        JsonNode job = JSON.readTree(post("/modalities/GRIDPACS/storage-commitment", body.toString()));
        String path = job.get("Path").asText();

        JsonNode report = null;
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            report = JSON.readTree(get(path));
            if (!"Pending".equals(report.get("Status").asText())) {
                break;
            }
            Thread.sleep(250);
        }
        assertTrue(report != null && !"Pending".equals(report.get("Status").asText()),
                "Orthanc heard no result: " + report + "\n" + orthanc.logTail());
        Set<String> committed = new HashSet<>();
        report.get("Success").forEach(s -> committed.add(s.get("SOPInstanceUID").asText()));
        assertEquals(Set.of(sent.get(0).getString(Tag.SOPInstanceUID), sent.get(1).getString(Tag.SOPInstanceUID)),
                committed, report.toString());
        assertEquals(1, report.get("Failures").size(), report.toString());
        JsonNode failure = report.get("Failures").get(0);
        assertEquals(missing, failure.get("SOPInstanceUID").asText());
        assertEquals(0x0112, failure.get("FailureReason").asInt(), report.toString());
        assertEquals("Failure", report.get("Status").asText(), report.toString());
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> rsp = http().send(HttpRequest.newBuilder(URI.create(orthancHttp + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rsp.statusCode(), "GET " + path + ": " + rsp.body());
        return rsp.body();
    }

    private static String post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> rsp = http().send(HttpRequest.newBuilder(URI.create(orthancHttp + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rsp.statusCode(), "POST " + path + ": " + rsp.body() + "\n" + orthanc.logTail());
        return rsp.body();
    }
}
