package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.grid.GridSettings;
import org.gridpacs.grid.s3proxy.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiering on one node against a real s3proxy, through {@code pacs grid}: a migrated study keeps no local file or
 * location row and comes back by C-GET equal element by element; an unknown study is exit 3; with the S3 server
 * stopped a migration fails naming the endpoint and removes nothing, and goes through once it is back; restore
 * brings the local copies back; verify reads the grid copies back.
 */
@ProcessTest
@Timeout(240)
class GridTierTest {
    private static final String CREDENTIAL = "grid-tier-test-credential";
    @TempDir
    Path dir;

    @Test
    void migrateRetrieveRestoreVerifyAndTheGridDown() throws Exception {
        Path run = dir.resolve("run");
        int s3Port = Ports.freePort();
        try (S3ProxyServer s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), run.resolve("grid/s3"), s3Port, "gridpacs",
                CREDENTIAL).start()) {
            s3.createBucket("gridpacs");
            Files.writeString(run.resolve("grid/s3-credential"), CREDENTIAL + "\n");
            Properties g = new Properties();
            g.setProperty("grid.s3.endpoint", s3.endpoint().toString());
            GridSettings grid = GridSettings.fromProperties(g, run);
            Properties p = new Properties();
            p.setProperty("dicom.aeTitle", "PACS");
            p.setProperty("dicom.bindAddress", "127.0.0.1");
            p.setProperty("dicom.port", "0");
            p.setProperty("http.port", "0");
            p.setProperty("storage.fsync", "false");
            try (ArchiveNode node = ArchiveNode.start(NodeConfig.from(p, run.resolve("data")), null, null,
                    DoseSetup.defaults(), grid)) {
                String server = "http://127.0.0.1:" + node.httpPort();
                String pacs = "PACS@127.0.0.1:" + node.dicomPort();
                Path ct = Cli.testFile("CT_small.dcm");
                Path mr = Cli.testFile("MR_small.dcm");
                Cli.Result stored = Cli.pacs("store", "-c", pacs, ct.toString(), mr.toString());
                assertEquals(0, stored.exitCode(), stored.toString());
                String ctStudy = Instances.read(ct).dataSet().getString(Tag.StudyInstanceUID);
                String mrStudy = Instances.read(mr).dataSet().getString(Tag.StudyInstanceUID);
                assertEquals(2, localFiles(run).size());

                Cli.Result unknown = Cli.pacs("grid", "migrate", "--study", "1.2.3.4.5.6.7.8.9", "--server", server);
                assertEquals(3, unknown.exitCode(), unknown.toString());
                assertTrue(unknown.err().contains("no study 1.2.3.4.5.6.7.8.9"), unknown.toString());

                Cli.Result migrated = Cli.pacs("grid", "migrate", "--study", ctStudy, "--server", server, "--progress");
                assertEquals(0, migrated.exitCode(), migrated.toString());
                assertTrue(migrated.err().contains("1/1 instances"), "a progress bar: " + migrated);
                assertEquals(1, localFiles(run).size(), "the CT's local file is gone, the MR's stays");
                List<IndexedInstance.Location> rows = locations(node, ctStudy);
                assertEquals(List.of("grid"), rows.stream().map(IndexedInstance.Location::storageId).toList(),
                        "only the grid copy's row: " + rows);

                Path got = dir.resolve("got");
                Cli.Result get = Cli.pacs("get", "-c", pacs, "-L", "STUDY", "-m", "StudyInstanceUID=" + ctStudy,
                        "--directory", got.toString());
                assertEquals(0, get.exitCode(), get.toString());
                Path back = got.resolve(Instances.read(ct).sopInstanceUID() + ".dcm");
                Instances.assertSameInstance(ct, back, true, Instances::withoutTrailingPadding);

                Cli.Result verified = Cli.pacs("grid", "verify", "--server", server);
                assertEquals(0, verified.exitCode(), verified.toString());
                assertTrue(verified.out().contains("2 grid copies read back, 0 bad, 0 missing; 0 orphan objects of 2"),
                        verified.toString());
                // an unnamed object younger than the grace (60 min by default): an upload perhaps in flight, kept
                Path stray = s3.bucketsFolder().resolve("gridpacs/archive/2026/01/01/00/stray.enc");
                Files.createDirectories(stray.getParent());
                Files.write(stray, new byte[100]);
                Cli.Result swept = Cli.pacs("grid", "verify", "--sweep", "--server", server);
                assertEquals(0, swept.exitCode(), swept.toString());
                assertTrue(swept.out().contains("0 orphan objects of 3"), swept.toString());
                assertTrue(Files.exists(stray), "a fresh object is kept");
                Cli.Result both = Cli.pacs("grid", "verify", "--sweep", "--study", ctStudy, "--server", server);
                assertTrue(both.exitCode() != 0 && both.err().contains("--sweep is of the whole grid"), both.toString());
                Files.delete(stray);

                // the grid down: the migration fails, names the endpoint, removes nothing
                s3.stop();
                Cli.Result down = Cli.pacs("grid", "migrate", "--study", mrStudy, "--server", server);
                assertEquals(1, down.exitCode(), down.toString());
                assertTrue(down.err().contains("no local copy removed"), down.toString());
                assertTrue(down.err().contains(s3.endpoint().toString()) || down.err().contains("127.0.0.1:" + s3Port),
                        "the endpoint named: " + down);
                assertEquals(1, localFiles(run).size(), "the MR's local file stays");
                assertTrue(locations(node, mrStudy).stream().anyMatch(l -> !l.storageId().equals("grid")));
                s3.start();
                Cli.Result again = Cli.pacs("grid", "migrate", "--study", mrStudy, "--server", server);
                assertEquals(0, again.exitCode(), again.toString());
                assertEquals(0, localFiles(run).size());

                Cli.Result restored = Cli.pacs("grid", "restore", "--study", ctStudy, "--server", server);
                assertEquals(0, restored.exitCode(), restored.toString());
                assertEquals(1, localFiles(run).size());
                assertEquals(2, locations(node, ctStudy).size(), "a local row beside the grid's");
                assertFalse(node.tiering().states().tiered(ctStudy));
                assertTrue(node.tiering().states().tiered(mrStudy));

                // the grid down during a retrieve of a tiered study: the C-GET fails with a status and a count,
                // and what is local (the restored CT) is still served
                s3.stop();
                Path none = dir.resolve("none");
                Cli.Result unreadable = Cli.pacs("get", "-c", pacs, "-L", "STUDY", "-m", "StudyInstanceUID=" + mrStudy,
                        "--directory", none.toString());
                assertEquals(1, unreadable.exitCode(), unreadable.toString());
                assertTrue(unreadable.out().contains("0xA702") && unreadable.out().contains("failed 1"), unreadable.toString());
                assertTrue(unreadable.out().contains(Instances.read(mr).sopInstanceUID()), "the failed instance named: "
                        + unreadable);
                assertTrue(unreadable.out().contains("grid storage unreadable: 1 of 1 sub-operations failed"),
                        "the Error Comment names the grid: " + unreadable);
                Path local = dir.resolve("local");
                Cli.Result served = Cli.pacs("get", "-c", pacs, "-L", "STUDY", "-m", "StudyInstanceUID=" + ctStudy,
                        "--directory", local.toString());
                assertEquals(0, served.exitCode(), served.toString());
            }
        }
    }

    private static List<IndexedInstance.Location> locations(ArchiveNode node, String study) throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        return node.retrieveService().resolve(QueryModel.STUDY_ROOT, id).stream()
                .flatMap(i -> i.locations().stream()).filter(l -> l.status().equals("OK")).toList();
    }

    private static List<Path> localFiles(Path run) throws IOException {
        Path storage = run.resolve("data/storage");
        if (!Files.isDirectory(storage)) {
            return List.of();
        }
        return org.gridpacs.dicom.testutil.FileTrees.visibleFiles(storage);
    }
}
