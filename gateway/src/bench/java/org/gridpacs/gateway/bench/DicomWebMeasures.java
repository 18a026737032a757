package org.gridpacs.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.Instances;

/**
 * The requests of the DICOMweb benchmark against one server, as OHIF 3 sends them (java.net.http, HTTP/1.1
 * keep-alive: a client's connections are reused), each answer checked (status, and its size or count where that
 * says the work was done). Every figure comes after untimed warm-up rounds.
 */
final class DicomWebMeasures {
    /** OHIF's study-list includefield, %2C-separated as dicomweb-client encodes it. */
    static final String OHIF_INCLUDE = "includefield=00081030%2C00080060";
    /** OHIF's default frames Accept header (quoted transfer-syntax="*"). */
    static final String OHIF_FRAMES_ACCEPT = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=\"*\"";

    private final DicomWebTarget target;
    private final HttpClient http;

    DicomWebMeasures(DicomWebTarget target) {
        this.target = target;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newFixedThreadPool(4, r -> {
                    Thread t = new Thread(r, "bench-http");
                    t.setDaemon(true);
                    return t;
                })).build();
    }

    /** Latencies in ms, sorted. */
    record Latencies(double[] ms) {
        double p(double q) {
            return ms[Math.min(ms.length - 1, (int) Math.ceil(q * ms.length) - 1)];
        }
    }

    /**
     * OHIF's study list filtered by Patient ID (00100020=, limit=101, fuzzymatching=false, includefield %2C) for
     * random patients of the index set, one request at a time; each answer must hold the patient's 5 studies.
     */
    Latencies qidoByPatientID(DicomWebBenchData data, int warmUp, int measured) throws Exception {
        Random r = new Random(11);
        IntFunction<String> query = i -> "/studies?00100020=" + DicomWebBenchData.patientID(r.nextInt(data.patients()))
                + "&limit=101&offset=0&fuzzymatching=false&" + OHIF_INCLUDE;
        return sequential(query, "application/dicom+json", warmUp, measured, (q, body) -> {
            int studies = countTopLevelObjects(body);
            if (studies != DicomWebBenchData.STUDIES_PER_PATIENT) {
                throw new IOException(target.name + ": " + q + " gave " + studies + " studies, not "
                        + DicomWebBenchData.STUDIES_PER_PATIENT + ": " + new String(body, 0, Math.min(200, body.length)));
            }
        });
    }

    /** OHIF's study list over a 30-day Study Date range (limit=101), one request at a time. */
    Latencies qidoByDateRange(int warmUp, int measured) throws Exception {
        Random r = new Random(13);
        IntFunction<String> query = i -> {
            java.time.LocalDate from = java.time.LocalDate.of(2015, 1, 1).plusDays(r.nextInt(3600));
            return "/studies?limit=101&offset=0&fuzzymatching=false&" + OHIF_INCLUDE + "&StudyDate="
                    + from.toString().replace("-", "") + "-" + from.plusDays(30).toString().replace("-", "");
        };
        return sequential(query, "application/dicom+json", warmUp, measured, (q, body) -> { });
    }

    /** Series metadata (OHIF's lazy load): one request at a time; each answer must list every instance. */
    Latencies seriesMetadata(DicomWebBenchData.Series s, int warmUp, int measured) throws Exception {
        String path = "/studies/" + s.study() + "/series/" + s.series() + "/metadata";
        return sequential(i -> path, "application/dicom+json", warmUp, measured, (q, body) -> {
            int n = countTopLevelObjects(body);
            if (n != s.files().size()) {
                throw new IOException(target.name + ": metadata of the series listed " + n + " instances, not "
                        + s.files().size());
            }
        });
    }

    /** Series metadata requests per second with {@code connections} clients asking {@code each} times. */
    double seriesMetadataPerSecond(DicomWebBenchData.Series s, int connections, int each) throws Exception {
        String path = "/studies/" + s.study() + "/series/" + s.series() + "/metadata";
        return parallel(connections, k -> {
            for (int i = 0; i < each; i++) {
                get(path, "application/dicom+json");
            }
            return each;
        });
    }

    /**
     * One pass over every frame of the series, {@code connections} clients each taking every n-th instance in
     * turn, with OHIF's Accept header; frames per second. Each answer must hold at least the frame's bytes.
     */
    double framesPerSecond(DicomWebBenchData.Series s, List<String> sopInstanceUIDs, int connections, int minBytes)
            throws Exception {
        String base = "/studies/" + s.study() + "/series/" + s.series() + "/instances/";
        return parallel(connections, k -> {
            int n = 0;
            for (int i = k; i < sopInstanceUIDs.size(); i += connections) {
                byte[] body = get(base + sopInstanceUIDs.get(i) + "/frames/1", OHIF_FRAMES_ACCEPT);
                if (body.length < minBytes) {
                    throw new IOException(target.name + ": frame of " + sopInstanceUIDs.get(i) + " has " + body.length
                            + " bytes, fewer than " + minBytes);
                }
                n++;
            }
            return n;
        });
    }

    /** STOW-RS of prepared bodies, all at once (one connection each); instances per second. */
    double stow(List<byte[]> bodies, String boundary, int instances) throws Exception {
        // new connections: a POST is not retried on a kept-alive connection that the server closed while it was
        // idle (Orthanc 1.10 closes them within seconds, and building the bodies takes longer than that)
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        double requestsPerSecond = parallel(bodies.size(), k -> {
            HttpRequest.Builder b = request("/studies").header("Accept", "application/dicom+json")
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(k)));
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException(target.name + ": STOW-RS answered " + r.statusCode() + " "
                        + new String(r.body(), 0, Math.min(400, r.body().length), StandardCharsets.UTF_8));
            }
            return 1;
        });
        return requestsPerSecond / bodies.size() * instances;
    }

    static String boundary() {
        return "bench-" + UUID.randomUUID();
    }

    /** The SOP Instance UIDs of a series' files, in file order. */
    static List<String> sopInstanceUIDs(DicomWebBenchData.Series s) throws IOException {
        List<String> uids = new ArrayList<>();
        for (var f : s.files()) {
            uids.add(Instances.read(f).dataSet().getString(Tag.SOPInstanceUID));
        }
        return uids;
    }

    // ------------------------------------------------------------------ plumbing

    interface Check {
        void check(String query, byte[] body) throws IOException;
    }

    interface Work {
        int run(int client) throws Exception;
    }

    private Latencies sequential(IntFunction<String> query, String accept, int warmUp, int measured, Check check)
            throws Exception {
        for (int i = 0; i < warmUp; i++) {
            String q = query.apply(i);
            check.check(q, get(q, accept));
        }
        double[] ms = new double[measured];
        for (int i = 0; i < measured; i++) {
            String q = query.apply(i);
            long t0 = System.nanoTime();
            byte[] body = get(q, accept);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (i % 10 == 0) {
                check.check(q, body);
            }
        }
        Arrays.sort(ms);
        return new Latencies(ms);
    }

    /** Runs {@code work} on {@code clients} threads at once; units done per second of wall time. */
    private static double parallel(int clients, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long t0 = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                int client = k;
                done.add(pool.submit(() -> work.run(client)));
            }
            int units = 0;
            for (Future<Integer> f : done) {
                units += f.get();
            }
            return units / ((System.nanoTime() - t0) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    byte[] get(String pathAndQuery, String accept) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(pathAndQuery).header("Accept", accept).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(target.name + ": GET " + pathAndQuery + " answered " + r.statusCode() + " "
                    + new String(r.body(), 0, Math.min(300, r.body().length), StandardCharsets.UTF_8));
        }
        return r.body();
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.root + pathAndQuery))
                .timeout(Duration.ofMinutes(5));
        if (target.authorization != null) {
            b.header("Authorization", target.authorization);
        }
        return b;
    }

    /** The number of objects in a top-level JSON array (depth counting, strings skipped): no parsing cost to speak of. */
    static int countTopLevelObjects(byte[] json) {
        int depth = 0;
        int count = 0;
        boolean inString = false;
        for (int i = 0; i < json.length; i++) {
            byte c = json[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (depth == 1 && c == '{') {
                    count++;
                }
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            }
        }
        return count;
    }
}
