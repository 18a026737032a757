package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * DICOMweb is the same archive on every node of a cluster: a STOW-RS to one node is replicated like a C-STORE,
 * QIDO-RS on any node finds it from that node's index, and WADO-RS on a node without a copy of its own (three
 * nodes, two copies) reads the copy of another node. The user HTTP ports listen on loopback: no login.
 */
@Timeout(180)
class DicomWebClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aStudyStoredOnOneNodeIsFoundAndRetrievedOnEveryNode() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.start(tmp.resolve("c"), 3, 2)) {
            String study = UID_PREFIX + System.nanoTime();
            String series = study + ".1";
            List<DataSet> sent = new ArrayList<>();
            for (int k = 1; k <= 6; k++) {
                sent.add(SyntheticInstances.ct("WEB1", study, series, k, k));
            }
            String boundary = UUID.randomUUID().toString();
            HttpResponse<String> stow = client.send(HttpRequest.newBuilder(URI.create(root(cluster, 0) + "/studies"))
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=\"" + boundary + "\"")
                    .header("Accept", "application/dicom+json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, sent))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, stow.statusCode(), stow.body());
            assertEquals(6, JSON.readTree(stow.body()).path("00081199").path("Value").size());
            // the receiving node may keep a surplus copy until repair: after it, two copies of each instance
            cluster.repairAll();
            assertEquals(12, cluster.files(0) + cluster.files(1) + cluster.files(2),
                    "two copies of each instance (replication factor 2)");

            for (int node = 0; node < 3; node++) {
                HttpResponse<String> qido = client.send(HttpRequest.newBuilder(URI.create(root(cluster, node)
                        + "/studies?00100020=WEB1&includefield=00081030%2C00080060")).header("Accept",
                        "application/dicom+json").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, qido.statusCode(), qido.body());
                JsonNode studies = JSON.readTree(qido.body());
                assertEquals(1, studies.size(), "node " + node + ": " + qido.body());
                assertEquals(6, studies.get(0).path("00201208").path("Value").get(0).asInt());

                for (DataSet ds : sent) {
                    HttpResponse<byte[]> wado = client.send(HttpRequest.newBuilder(URI.create(root(cluster, node)
                            + "/studies/" + study + "/series/" + series + "/instances/"
                            + ds.getString(Tag.SOPInstanceUID))).header("Accept",
                            "multipart/related; type=\"application/dicom\"; transfer-syntax=*").build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, wado.statusCode(), () -> new String(wado.body(), StandardCharsets.UTF_8));
                    DataSetDiff.assertSameDataSet(encodedAndRead(ds), firstPart(wado), "node " + node);
                }
            }
            assertTrue(cluster.files(0) < 6 || cluster.files(1) < 6 || cluster.files(2) < 6,
                    "some node holds no copy of its own and served from a peer's");
        }
    }

    private static final String UID_PREFIX = "1.2.826.0.1.3680043.10.543.7.";

    private static String root(InProcessCluster cluster, int node) {
        return "http://127.0.0.1:" + cluster.node(node).httpPort() + "/dicom-web";
    }

    private static byte[] multipart(String boundary, List<DataSet> instances) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (DataSet ds : instances) {
            body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DicomOutputStream out = new DicomOutputStream(body, 8192);
            out.writeFileMetaInformation(FileMetaInformation.create(ds.getString(Tag.SOPClassUID),
                    ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(ds);
            out.finish();
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** {@code ds} as a receiver reads it (values padded to even length). */
    private static DataSet encodedAndRead(DataSet ds) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes, 8192);
        out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(ds);
        out.finish();
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return in.readDataSet();
    }

    /** The data set of the first part of a multipart/related answer of Part 10 files. */
    private static DataSet firstPart(HttpResponse<byte[]> response) throws Exception {
        byte[] b = response.body();
        String text = new String(b, StandardCharsets.ISO_8859_1);
        String delimiter = "\r\n" + text.substring(0, text.indexOf("\r\n"));
        int start = text.indexOf("\r\n\r\n") + 4;
        int end = text.indexOf(delimiter, start);
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(b, start, end - start));
        in.readFileMetaInformation();
        return in.readDataSet();
    }
}
