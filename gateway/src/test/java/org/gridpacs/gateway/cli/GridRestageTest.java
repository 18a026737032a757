package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.grid.GridSettings;
import org.gridpacs.grid.s3proxy.S3ProxyServer;
import org.gridpacs.grid.tier.TierPolicy;
import org.gridpacs.grid.tier.TierProgress;
import org.gridpacs.grid.tier.TierStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-staging on one node against a real s3proxy ({@code grid.tier.restage-hours = 1}): a C-GET of a tiered study
 * is served from the grid and copies it back to the node's storage after the read-time flush, so that the next C-GET
 * is served with the S3 server stopped; {@code pacs grid restore} then makes it an ordinary local study.
 */
@ProcessTest
@Timeout(240)
class GridRestageTest {
    private static final String CREDENTIAL = "grid-restage-test-credential";
    @TempDir
    Path dir;

    @Test
    void aRetrievedTieredStudyIsServedLocallyAfterwards() throws Exception {
        Path run = dir.resolve("run");
        int s3Port = Ports.freePort();
        try (S3ProxyServer s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), run.resolve("grid/s3"), s3Port, "gridpacs",
                CREDENTIAL).start()) {
            s3.createBucket("gridpacs");
            Files.writeString(run.resolve("grid/s3-credential"), CREDENTIAL + "\n");
            Properties g = new Properties();
            g.setProperty("grid.s3.endpoint", s3.endpoint().toString());
            g.setProperty(TierPolicy.RESTAGE_HOURS, "1");
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
                Cli.Result stored = Cli.pacs("store", "-c", pacs, ct.toString());
                assertEquals(0, stored.exitCode(), stored.toString());
                String study = Instances.read(ct).dataSet().getString(Tag.StudyInstanceUID);
                node.tiering().migrate(study, TierProgress.NONE);
                assertEquals(0, localFiles(run).size());

                Cli.Result fromGrid = get(pacs, study, "first");
                assertEquals(0, fromGrid.exitCode(), fromGrid.toString());
                node.tierScheduler().flushReads(); // the minute's flush, now
                long until = System.nanoTime() + 60_000_000_000L;
                String sop = Instances.read(ct).sopInstanceUID();
                while (localFiles(run).size() < 1 || !staged(node, sop)) {
                    assertTrue(System.nanoTime() < until, "not re-staged within 60 s");
                    Thread.sleep(50);
                }
                assertEquals(TierStates.State.RESTAGED, node.tiering().states().get(study).orElseThrow().state());

                s3.stop(); // served from the re-staged copy, not the grid
                Cli.Result local = get(pacs, study, "second");
                assertEquals(0, local.exitCode(), local.toString());
                Instances.assertSameInstance(ct, dir.resolve("second").resolve(Instances.read(ct).sopInstanceUID()
                        + ".dcm"), true, Instances::withoutTrailingPadding);
                s3.start();

                Cli.Result restored = Cli.pacs("grid", "restore", "--study", study, "--server", server);
                assertEquals(0, restored.exitCode(), restored.toString());
                assertTrue(node.tiering().states().get(study).isEmpty(), "local again: no tier row");
                assertEquals(1, localFiles(run).size());
                assertTrue(node.retrieveService().instance(sop).orElseThrow().locations().stream()
                        .anyMatch(l -> l.status().equals("OK") && !l.storageId().equals("grid")),
                        "the re-staged copy is an ordinary one now");
            }
        }
    }

    /** Whether the re-staging job recorded its copy (the study's row is RESTAGED from the job's start). */
    private static boolean staged(ArchiveNode node, String sop) throws Exception {
        return node.retrieveService().instance(sop).orElseThrow().locations().stream()
                .anyMatch(l -> l.status().equals(IndexedInstance.Location.STAGED));
    }

    private Cli.Result get(String pacs, String study, String folder) throws Exception {
        return Cli.pacs("get", "-c", pacs, "-L", "STUDY", "-m", "StudyInstanceUID=" + study, "--directory",
                dir.resolve(folder).toString());
    }

    private static List<Path> localFiles(Path run) throws IOException {
        Path storage = run.resolve("data/storage");
        if (!Files.isDirectory(storage)) {
            return List.of();
        }
        return org.gridpacs.dicom.testutil.FileTrees.visibleFiles(storage);
    }
}
