package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.node.ClusterConfigFile;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.tls.PeerTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as {@code ./scripts/run} starts it on its embedded defaults (conf/, so its fixed ports must be free):
 * every /peer/ endpoint of every node refuses a caller without a cluster certificate, whether it speaks plain HTTP
 * or TLS without a certificate, and says so in the node's log; the user port does not serve them at all; a caller
 * with a node certificate the run made gets in. Its HTTP entry serves the viewer and DICOMweb without login (loopback).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@ProcessTest
class DefaultRunPeerSecurityTest {
    private static final Path ROOT = ClusterProcesses.ROOT;
    /** Every peer endpoint, with the method it answers (docs/cluster.md). */
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] {"PUT", "/peer/instances"}, new String[] {"GET", "/peer/objects?key=x"},
            new String[] {"POST", "/peer/announcements"}, new String[] {"GET", "/peer/digests"},
            new String[] {"GET", "/peer/copies?study=1.2.3"}, new String[] {"GET", "/peer/dose/jobs"},
            new String[] {"PUT", "/peer/dose/jobs/x"}, new String[] {"DELETE", "/peer/dose/jobs/x"},
            new String[] {"PUT", "/peer/commitments/1.2.3"}, new String[] {"GET", "/peer/commitments/1.2.3"},
            new String[] {"DELETE", "/peer/commitments/1.2.3?by=node1"});

    @TempDir
    Path tmp;

    @Test
    void peerEndpointsRefuseCallersWithoutAClusterCertificate() throws Exception {
        Path data = tmp.resolve("run");
        Process run = new ProcessBuilder(ROOT.resolve("scripts").resolve("run").toString(), "--data", data.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Boolean> ready = watch(run, output);
        try {
            if (!ready.get(240, TimeUnit.SECONDS)) {
                synchronized (output) {
                    fail("scripts/run did not start:\n" + output);
                }
            }
            ClusterConfig node1 = ClusterConfigFile.load(ROOT.resolve("conf").resolve("cluster.properties"), "node1",
                    List.of("node1", "node2"));
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpClient noCertificate = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .sslContext(trustingAnyServer()).build();
            HttpClient member = PeerTls.load(node1.tls()).clientBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (ClusterNode n : node1.members()) {
                for (String[] e : ENDPOINTS) {
                    String what = n.name() + " " + e[0] + " " + e[1];
                    assertThrows(IOException.class, () -> send(plain, "http", n.host(), n.peerPort(), e),
                            "plain HTTP to " + what);
                    assertThrows(IOException.class, () -> send(noCertificate, "https", n.host(), n.peerPort(), e),
                            "TLS without a certificate to " + what);
                    assertEquals(404, send(plain, "http", n.host(), n.httpPort(), e),
                            "the user port does not serve " + what);
                }
                // the endpoints are there for the cluster's own: a node certificate gets an answer
                assertEquals(200, send(member, "https", n.host(), n.peerPort(), new String[] {"GET", "/peer/digests"}),
                        n.name() + " answers a member");
                assertEquals(200, send(plain, "http", n.host(), n.httpPort(), new String[] {"GET", "/health"}),
                        n.name() + "'s health check stays plain HTTP for HAProxy");
                String log = Files.readString(data.resolve(n.name()).resolve("node.log"), StandardCharsets.UTF_8);
                assertTrue(log.contains("Refused a connection from 127.0.0.1"), n.name() + " logs the refusals:\n" + log);
            }
            httpEntryServesDicomWebAndTheViewer(plain, node1);
            List<Integer> dicomPorts = new ArrayList<>(List.of(11112));
            node1.members().forEach(n -> dicomPorts.add(n.dicomPort()));
            for (int port : dicomPorts) {
                assertEquals(List.of("127.0.0.1:" + port), listeningAddresses(port),
                        "DICOM port " + port + " serves this machine only by default (dicom.bindAddress)");
            }
        } finally {
            run.destroy(); // SIGTERM: scripts/run stops HAProxy and the nodes
            if (!run.waitFor(60, TimeUnit.SECONDS)) {
                run.destroyForcibly();
            }
            new ProcessBuilder(ROOT.resolve("scripts").resolve("cluster").toString(), "stop", "--data", data.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** The local addresses listening on TCP {@code port} ({@code ss}, iproute2). */
    private static List<String> listeningAddresses(int port) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-ltnH", "sport = :" + port).redirectErrorStream(true).start();
        List<String> addresses = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(ss.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4) {
                    addresses.add(f[3].replace("[::ffff:", "").replace("]", ""));
                }
            }
        }
        assertEquals(0, ss.waitFor(), "ss -ltn");
        return addresses.stream().distinct().toList();
    }

    /**
     * HAProxy's HTTP entry (127.0.0.1:8080, no login on loopback): the viewer at /, a STOW-RS through it found by
     * QIDO-RS on every node, the nodes' list, and /peer/ refused there too.
     */
    private static void httpEntryServesDicomWebAndTheViewer(HttpClient client, ClusterConfig cluster) throws Exception {
        String entry = "http://127.0.0.1:8080";
        HttpResponse<String> viewer = client.send(HttpRequest.newBuilder(URI.create(entry + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, viewer.statusCode(), "the viewer (scripts/fetch-viewer ran first)");
        assertTrue(viewer.body().contains("app-config.js"), "OHIF's index.html");
        assertEquals(403, send(client, "http", "127.0.0.1", 8080, new String[] {"GET", "/peer/digests"}));

        org.gridpacs.dicom.data.DataSet ct = org.gridpacs.dicom.testutil.SyntheticInstances.ct("ENTRY1");
        String boundary = "entry-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        org.gridpacs.dicom.io.DicomOutputStream out = new org.gridpacs.dicom.io.DicomOutputStream(body, 8192);
        out.writeFileMetaInformation(org.gridpacs.dicom.io.FileMetaInformation.create(
                ct.getString(org.gridpacs.dicom.data.Tag.SOPClassUID), ct.getString(org.gridpacs.dicom.data.Tag.SOPInstanceUID),
                org.gridpacs.dicom.data.UID.ExplicitVRLittleEndian, null));
        out.setTransferSyntax(org.gridpacs.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(ct);
        out.finish();
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> stow = client.send(HttpRequest.newBuilder(URI.create(entry + "/dicom-web/studies"))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stow.statusCode(), stow.body());
        assertTrue(stow.body().contains(entry + "/dicom-web/studies/"), "RetrieveURL through the entry: " + stow.body());
        for (ClusterNode n : cluster.members()) {
            HttpResponse<String> qido = client.send(HttpRequest.newBuilder(URI.create("http://" + n.host() + ":"
                    + n.httpPort() + "/dicom-web/studies?00100020=ENTRY1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, qido.statusCode(), n.name() + ": " + qido.body());
            assertTrue(qido.body().contains(ct.getString(org.gridpacs.dicom.data.Tag.StudyInstanceUID)),
                    n.name() + " finds the study stored through the entry: " + qido.body());
        }
        HttpResponse<String> nodes = client.send(HttpRequest.newBuilder(URI.create(entry + "/api/nodes")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(nodes.body().contains("\"node1\"") && nodes.body().contains("\"node2\""), nodes.body());
    }

    private static int send(HttpClient client, String scheme, String host, int port, String[] endpoint)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher body = endpoint[0].equals("GET") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(new byte[16]);
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + endpoint[1]))
                .timeout(Duration.ofSeconds(10)).method(endpoint[0], body).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Reads scripts/run's output to its end on a thread of its own (so the script never blocks on a full pipe);
     * the future says whether it reported the cluster up.
     */
    private static CompletableFuture<Boolean> watch(Process run, StringBuilder output) {
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.startsWith("Stop with Ctrl-C")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                synchronized (output) {
                    output.append(e);
                }
            }
            ready.complete(false);
        }, "scripts-run-output");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    /** A TLS client with no certificate of its own that would accept any server. */
    private static SSLContext trustingAnyServer() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
