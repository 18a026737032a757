package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.grid.GridSettings;
import org.gridpacs.grid.s3proxy.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A node with conf/grid.properties against a real s3proxy: the start-up check stops the node on a bad setting and
 * names it; a stored instance gets its grid copy, which GET /api/grid counts, and is read from the grid once its
 * local file is gone.
 */
@ProcessTest
class GridNodeTest {
    private static final String CREDENTIAL = "grid-node-test-credential";
    @TempDir
    Path dir;
    S3ProxyServer s3;

    @BeforeEach
    void startS3() throws IOException {
        s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), dir.resolve("run/grid/s3"), Ports.freePort(), "gridpacs",
                CREDENTIAL).start();
        s3.createBucket("gridpacs");
        Files.writeString(dir.resolve("run/grid/s3-credential"), CREDENTIAL + "\n");
    }

    @AfterEach
    void stopS3() {
        s3.close();
    }

    private GridSettings settings(String... lines) throws IOException {
        Properties p = new Properties();
        p.setProperty("grid.s3.endpoint", s3.endpoint().toString());
        for (String s : lines) {
            int eq = s.indexOf('=');
            p.setProperty(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return GridSettings.fromProperties(p, dir.resolve("run"));
    }

    private ArchiveNode start(GridSettings grid) throws IOException {
        Properties p = new Properties();
        p.setProperty("dicom.aeTitle", "PACS");
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("storage.fsync", "false");
        return ArchiveNode.start(NodeConfig.from(p, dir.resolve("run/data")), null, null, DoseSetup.defaults(), grid);
    }

    private void assertStartFails(GridSettings grid, String named) {
        IOException e = assertThrows(IOException.class, () -> start(grid).close());
        assertTrue(e.getMessage().contains(named), "the message names " + named + ": " + e.getMessage());
    }

    @Test
    void aBadSettingStopsTheStartAndIsNamed() throws IOException {
        assertStartFails(settings("grid.s3.endpoint=http://127.0.0.1:" + Ports.freePort()), "grid.s3.endpoint");
        assertStartFails(settings("grid.s3.access-key=someone-else"), "grid.s3.access-key");
        assertStartFails(settings("grid.location=s3://no-such-bucket/archive"), "no-such-bucket");
        assertStartFails(settings("grid.key.current=not-a-key"), "grid.key.current");
        IOException missing = assertThrows(IOException.class,
                () -> settings("grid.s3.secret-key-file=grid/absent"));
        assertTrue(missing.getMessage().contains("grid.s3.secret-key-file"), missing.getMessage());
    }

    @Test
    void aStoredInstanceGetsItsGridCopyAndTheStatusCountsIt() throws Exception {
        try (ArchiveNode node = start(settings())) {
            assertTrue(Files.exists(dir.resolve("run/grid/keys/grid-keys.p12")), "the key ring is made at first start");
            DataSet ds = new DataSet();
            ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
            ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.9.1");
            ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.9");
            ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.9.2");
            ds.setString(Tag.PatientID, VR.LO, "GRID1");
            ds.setString(Tag.Modality, VR.CS, "CT");
            node.store().store(StoreRequest.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), "MODALITY"), ds);

            JsonNode status = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                status = grid(node);
                if (status.path("copied").asLong() >= 1) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(1, status.path("copied").asLong(), status.toString());
            assertTrue(status.path("reachable").asBoolean(), status.toString());
            assertEquals(0, status.path("backlog").asLong());
            IndexedInstance indexed = node.retrieveService().resolve(
                    org.gridpacs.archive.query.QueryModel.STUDY_ROOT, studyKeys("1.2.826.0.1.3680043.99.9")).get(0);
            assertTrue(indexed.locations().stream().anyMatch(l -> l.storageId().equals("grid")
                    && l.status().equals("OK")), indexed.locations().toString());

            // read-through: the local file gone, the retrieve service of the node streams the grid copy
            byte[] before;
            try (org.gridpacs.archive.retrieve.StoredInstance local = node.retrieveService().open(indexed)) {
                before = local.dataSet().readAllBytes();
            }
            try (java.util.stream.Stream<Path> files = Files.walk(dir.resolve("run/data/storage"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.delete(f);
                }
            }
            try (org.gridpacs.archive.retrieve.StoredInstance fromGrid = node.retrieveService().open(indexed)) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(before, fromGrid.dataSet().readAllBytes());
            }

            s3.stop();
            JsonNode down = grid(node);
            assertEquals(false, down.path("reachable").asBoolean(), down.toString());
            assertTrue(down.path("error").asText().contains("grid.s3.endpoint"), down.toString());
        }
    }

    private static DataSet studyKeys(String study) {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        return id;
    }

    private static JsonNode grid(ArchiveNode node) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/api/grid")).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }
}
