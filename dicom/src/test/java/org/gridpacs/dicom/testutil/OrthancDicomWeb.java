package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Orthanc with its DICOMweb plugin (Debian orthanc-dicomweb) as a real DICOMweb peer (dicom's test-jar): its own
 * DICOMweb server at {@link #dicomWebRoot()}, and a DICOMweb client of the servers it was started with, driven
 * through Orthanc's REST API ({@link #qido}, {@link #retrieve}, {@link #stow}). Orthanc's own archive is filled
 * and read over REST ({@link #upload}, {@link #download}) for element-by-element comparisons. Started by
 * {@link Peers#orthanc} (free loopback ports, a fresh database in its folder, TCP_NODELAY=1).
 *
 * <p>When Orthanc's client call fails, Orthanc only answers 500 "Error encountered within the plugin engine"; the
 * status the remote server gave is in Orthanc's log. {@link RequestFailed} carries both, and the log lines.
 */
public final class OrthancDicomWeb implements AutoCloseable {
    public static final Path PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REMOTE_STATUS = Pattern.compile("received HTTP status (\\d+)");

    /** An entry of "DicomWeb.Servers": a DICOMweb server root, with HTTP Basic credentials (both null for none). */
    public record Server(String url, String username, String password) {
        public static Server of(String url) {
            return new Server(url, null, null);
        }
    }

    /** What Orthanc answered to POST /instances: the Orthanc IDs of the instance and of its study. */
    public record Uploaded(String id, String parentStudy, String status) {
    }

    /** A REST call to Orthanc that did not succeed: Orthanc's answer and, for client calls, what the remote said. */
    public static final class RequestFailed extends IOException {
        private final int status;
        private final List<Integer> remoteStatuses;

        RequestFailed(String message, int status, List<Integer> remoteStatuses) {
            super(message);
            this.status = status;
            this.remoteStatuses = remoteStatuses;
        }

        /** Orthanc's own HTTP status. */
        public int status() {
            return status;
        }

        /** The HTTP statuses that Orthanc's DICOMweb client logged receiving from the remote server, in order. */
        public List<Integer> remoteStatuses() {
            return remoteStatuses;
        }
    }

    private final Peers.Peer peer;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private OrthancDicomWeb(Peers.Peer peer) {
        this.peer = peer;
    }

    /**
     * Starts Orthanc 1.10 with the DICOMweb plugin (server on "/dicom-web/") and {@code servers} as the remote
     * DICOMweb servers its client knows, by name; its database and log in {@code dir}.
     */
    public static OrthancDicomWeb start(Path dir, Map<String, Server> servers) throws IOException {
        if (!Files.exists(PLUGIN)) {
            throw new IllegalStateException(PLUGIN + " is missing: apt-get install orthanc-dicomweb (scripts/test does)");
        }
        ObjectNode entries = JSON.createObjectNode();
        for (Map.Entry<String, Server> e : servers.entrySet()) {
            // the plugin's object form: {"Url", "Username", "Password", ...} (the array form is [url, user, password])
            ObjectNode s = entries.putObject(e.getKey());
            s.put("Url", e.getValue().url().endsWith("/") ? e.getValue().url() : e.getValue().url() + "/");
            if (e.getValue().username() != null) {
                s.put("Username", e.getValue().username());
                s.put("Password", e.getValue().password());
            }
        }
        ObjectNode dicomWeb = JSON.createObjectNode();
        dicomWeb.put("Enable", true);
        dicomWeb.put("Root", "/dicom-web/");
        dicomWeb.put("EnableWado", true);
        dicomWeb.set("Servers", entries);
        String extra = """
                  "Plugins" : [ "%s" ],
                  "HttpTimeout" : 300,
                  "DicomWeb" : %s,
                """.formatted(PLUGIN, JSON.writeValueAsString(dicomWeb));
        return new OrthancDicomWeb(Peers.orthanc(dir, "ORTHANC", Map.of(), extra));
    }

    public Peers.Peer peer() {
        return peer;
    }

    /** "http://127.0.0.1:PORT": Orthanc's REST API. */
    public String origin() {
        return "http://" + Peers.HOST + ":" + peer.httpPort();
    }

    /** "http://127.0.0.1:PORT/dicom-web": Orthanc's own DICOMweb server. */
    public String dicomWebRoot() {
        return origin() + "/dicom-web";
    }

    // ------------------------------------------------------------------ Orthanc as a DICOMweb client

    /**
     * QIDO-RS to {@code server} by Orthanc's client: {@code uri} as "/studies" or "/studies/{uid}/series",
     * {@code arguments} the query parameters. Orthanc's answer: an array of its tag objects ("0010,0020" style keys
     * are "00100020" with "Value" as a string), see {@link #value}.
     */
    public JsonNode qido(String server, String uri, Map<String, String> arguments) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("Uri", uri);
        ObjectNode args = body.putObject("Arguments");
        arguments.forEach(args::put);
        return post("/dicom-web/servers/" + server + "/qido", body);
    }

    /** WADO-RS of a whole study from {@code server} into Orthanc; the number of instances Orthanc received. */
    public int retrieve(String server, String studyInstanceUID) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("Resources").addObject().put("Study", studyInstanceUID);
        JsonNode r = post("/dicom-web/servers/" + server + "/retrieve", body);
        return r.path("ReceivedInstancesCount").asInt(-1);
    }

    /**
     * STOW-RS of Orthanc resources (study, series or instance IDs of Orthanc's) to {@code server}; Orthanc's
     * answer ({"InstancesCount": "n", ...}).
     */
    public JsonNode stow(String server, String... orthancIds) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode resources = body.putArray("Resources");
        for (String id : orthancIds) {
            resources.add(id);
        }
        return post("/dicom-web/servers/" + server + "/stow", body);
    }

    // ------------------------------------------------------------------ Orthanc's own archive

    /** Stores a Part 10 file in Orthanc (POST /instances). */
    public Uploaded upload(Path file) throws IOException {
        JsonNode r = send(HttpRequest.newBuilder(uri("/instances"))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).header("Content-Type", "application/dicom"), "POST /instances");
        return new Uploaded(r.path("ID").asText(), r.path("ParentStudy").asText(), r.path("Status").asText());
    }

    /** The Orthanc IDs of every instance Orthanc holds. */
    public List<String> instances() throws IOException {
        return texts(get("/instances"));
    }

    /** The Orthanc IDs of the instances of an Orthanc study. */
    public List<String> studyInstances(String orthancStudyId) throws IOException {
        List<String> ids = new ArrayList<>();
        for (JsonNode i : get("/studies/" + orthancStudyId + "/instances")) {
            ids.add(i.path("ID").asText());
        }
        return ids;
    }

    /** The Orthanc ID of the study with this Study Instance UID, or null when Orthanc has none. */
    public String studyId(String studyInstanceUID) throws IOException {
        JsonNode r = send(HttpRequest.newBuilder(uri("/tools/lookup"))
                .POST(HttpRequest.BodyPublishers.ofString(studyInstanceUID)), "POST /tools/lookup");
        for (JsonNode n : r) {
            if ("Study".equals(n.path("Type").asText())) {
                return n.path("ID").asText();
            }
        }
        return null;
    }

    /** The Part 10 file Orthanc keeps of an instance (GET /instances/{id}/file), written to {@code target}. */
    public Path download(String instanceId, Path target) throws IOException {
        HttpResponse<Path> r = exchange(HttpRequest.newBuilder(uri("/instances/" + instanceId + "/file")).GET(),
                HttpResponse.BodyHandlers.ofFile(target), "GET /instances/" + instanceId + "/file");
        if (r.statusCode() != 200) {
            throw new RequestFailed("Orthanc GET /instances/" + instanceId + "/file: HTTP " + r.statusCode(),
                    r.statusCode(), List.of());
        }
        return target;
    }

    /** DELETE of an Orthanc resource, e.g. "/studies/{id}". */
    public void delete(String path) throws IOException {
        send(HttpRequest.newBuilder(uri(path)).DELETE(), "DELETE " + path);
    }

    /** GET of a REST resource of Orthanc's, as JSON. */
    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
    }

    /** POST of a JSON body to a REST resource of Orthanc's. */
    public JsonNode post(String path, JsonNode body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))), "POST " + path);
    }

    /** The string value of a tag ("00100020") in one object of Orthanc's QIDO answer, or null. */
    public static String value(JsonNode orthancTags, String tag) {
        JsonNode v = orthancTags.path(tag).path("Value");
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    @Override
    public void close() {
        peer.close();
    }

    // ------------------------------------------------------------------ plumbing

    private URI uri(String path) {
        return URI.create(origin() + path);
    }

    private JsonNode send(HttpRequest.Builder request, String what) throws IOException {
        long logFrom = logSize();
        HttpResponse<byte[]> r = exchange(request, HttpResponse.BodyHandlers.ofByteArray(), what);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        if (r.statusCode() / 100 != 2) {
            String log = logSince(logFrom);
            List<Integer> remote = new ArrayList<>();
            Matcher m = REMOTE_STATUS.matcher(log);
            while (m.find()) {
                remote.add(Integer.parseInt(m.group(1)));
            }
            String remoteSaid = remote.isEmpty() ? "" : "; Orthanc's DICOMweb client received HTTP " + remote
                    + " from the remote server";
            throw new RequestFailed("Orthanc " + what + " failed with HTTP " + r.statusCode() + remoteSaid + "\n"
                    + body.strip() + "\n--- Orthanc's log meanwhile ---\n" + log.strip(), r.statusCode(), remote);
        }
        return body.isBlank() ? JSON.nullNode() : JSON.readTree(body);
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String what)
            throws IOException {
        try {
            return http.send(request.timeout(Duration.ofMinutes(5)).build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: Orthanc " + what, e);
        } catch (IOException e) {
            throw new IOException("Orthanc " + what + ": " + e + (peer.isAlive() ? "" : " (Orthanc has exited)")
                    + "\n" + peer.logTail(), e);
        }
    }

    private long logSize() {
        try {
            return Files.size(peer.log());
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            // Orthanc logs the failure of a plugin call just before it answers: the lines may still be arriving
            Thread.sleep(100);
            byte[] all = Files.readAllBytes(peer.log());
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Server entries by name, in order (a convenience for {@link #start}). */
    public static Map<String, Server> servers(String name, Server server) {
        Map<String, Server> m = new LinkedHashMap<>();
        m.put(name, server);
        return m;
    }
}
