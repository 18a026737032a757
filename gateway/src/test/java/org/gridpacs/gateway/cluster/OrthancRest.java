package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.dicom.testutil.Peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Orthanc's REST API, for the cluster and federation tests: modalities, Storage Commitment as SCU, queries. */
public final class OrthancRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Peers.Peer orthanc;
    private final String base;

    public OrthancRest(Peers.Peer orthanc) throws IOException {
        this.orthanc = orthanc;
        Matcher m = Pattern.compile("\"HttpPort\"\\s*:\\s*(\\d+)")
                .matcher(Files.readString(orthanc.dir().resolve("orthanc.json")));
        if (!m.find()) {
            throw new IOException("no HttpPort in Orthanc's configuration");
        }
        this.base = "http://127.0.0.1:" + m.group(1);
    }

    /** GET of a JSON resource. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).GET()));
    }

    /** GET of a binary resource (e.g. {@code /instances/{id}/file}). */
    public byte[] getBytes(String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> rsp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (rsp.statusCode() != 200) {
            throw new IOException("Orthanc: HTTP " + rsp.statusCode() + " for " + path + "\n" + orthanc.logTail());
        }
        return rsp.body();
    }

    /** POST of a JSON body (or any text Orthanc takes, e.g. a target AE title); the JSON answer. */
    public JsonNode post(String path, String body) throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    /** POST of a DICOM file to {@code /instances}: Orthanc's answer ({@code ID}, {@code Status}). */
    public JsonNode upload(byte[] file) throws IOException, InterruptedException {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/instances"))
                .header("Content-Type", "application/dicom").POST(HttpRequest.BodyPublishers.ofByteArray(file))));
    }

    /** The HTTP status of a POST, without failing on an error status (e.g. a refused C-ECHO gives 500). */
    public int postStatus(String path, String body) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    public void put(String path, String json) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Asks {@code modality} for commitment of instances given as {SOP Class UID, SOP Instance UID} and polls until
     * Orthanc has the result: its JSON ({@code Status}, {@code Success}, {@code Failures}).
     */
    JsonNode storageCommitment(String modality, List<String[]> instances) throws Exception {
        StringBuilder body = new StringBuilder("{\"DicomInstances\": [");
        for (int i = 0; i < instances.size(); i++) {
            body.append(i > 0 ? "," : "").append("{\"SOPClassUID\": \"").append(instances.get(i)[0])
                    .append("\", \"SOPInstanceUID\": \"").append(instances.get(i)[1]).append("\"}");
        }
        body.append("], \"Timeout\": 60}");
        String path = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/modalities/" + modality
                + "/storage-commitment")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())))).get("Path").asText();
        long end = System.currentTimeMillis() + 90_000;
        JsonNode report;
        do {
            Thread.sleep(250);
            report = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).GET()));
        } while ("Pending".equals(report.get("Status").asText()) && System.currentTimeMillis() < end);
        return report;
    }

    private String send(HttpRequest.Builder b) throws IOException, InterruptedException {
        // a client per request: Orthanc closes idle keep-alive connections
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> rsp = http.send(b.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200) {
            throw new IOException("Orthanc: HTTP " + rsp.statusCode() + ": " + rsp.body() + "\n" + orthanc.logTail());
        }
        return rsp.body();
    }
}
