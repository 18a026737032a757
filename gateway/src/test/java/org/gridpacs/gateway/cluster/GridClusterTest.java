package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.grid.GridSettings;
import org.gridpacs.grid.s3proxy.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid in a cluster of two nodes (replication factor 2) against a real s3proxy: an instance stored on one node
 * gets one grid copy, made by that node; the other node learns of it through the copy news; repair neither counts
 * it as a node's copy nor removes it.
 */
@ProcessTest
@Timeout(180)
class GridClusterTest {
    private static final String CREDENTIAL = "grid-cluster-test-credential";
    @TempDir
    Path tmp;

    @Test
    void oneGridCopyPerInstanceKnownToEveryNodeAndLeftAloneByRepair() throws Exception {
        Path run = tmp.resolve("run");
        try (S3ProxyServer s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), run.resolve("grid/s3"), Ports.freePort(),
                "gridpacs", CREDENTIAL).start()) {
            s3.createBucket("gridpacs");
            Files.writeString(run.resolve("grid/s3-credential"), CREDENTIAL + "\n");
            Properties p = new Properties();
            p.setProperty("grid.s3.endpoint", s3.endpoint().toString());
            GridSettings grid = GridSettings.fromProperties(p, run);
            try (InProcessCluster cluster = InProcessCluster.startWithGrid(run, 2, 2, grid)) {
                DataSet ds = instance();
                assertEquals(Status.SUCCESS, cluster.node(0).store()
                        .store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"), ds).status());

                IndexedInstance.Location on0 = awaitGridCopy(cluster.node(0));
                IndexedInstance.Location on1 = awaitGridCopy(cluster.node(1));
                assertEquals(on0.storageKey(), on1.storageKey(), "both nodes name the same grid object");
                assertEquals(1, objects(s3).size(), "one grid copy cluster-wide");

                cluster.repairAll();
                IndexedInstance after = instanceOn(cluster.node(1));
                assertEquals(3, after.locations().size(), "two node copies and the grid's: " + after.locations());
                assertTrue(after.locations().stream().anyMatch(l -> l.storageId().equals("grid")));
                assertEquals(1, objects(s3).size(), "repair left the grid object");
                assertEquals(2, cluster.files(0) + cluster.files(1), "one copy per node (factor 2), as before");
            }
        }
    }

    private static DataSet instance() {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.77.1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.77");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.77.2");
        ds.setString(Tag.PatientID, VR.LO, "GRIDC");
        ds.setString(Tag.Modality, VR.CS, "CT");
        return ds;
    }

    private static IndexedInstance instanceOn(ArchiveNode node) throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.99.77");
        List<IndexedInstance> found = node.retrieveService().resolve(QueryModel.STUDY_ROOT, id);
        return found.isEmpty() ? null : found.get(0);
    }

    private static IndexedInstance.Location awaitGridCopy(ArchiveNode node) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            IndexedInstance i = instanceOn(node);
            if (i != null) {
                for (IndexedInstance.Location l : i.locations()) {
                    if (l.storageId().equals("grid") && l.status().equals("OK")) {
                        return l;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no grid copy known to " + node.config().aeTitle() + " within 60 s");
    }

    private static List<Path> objects(S3ProxyServer s3) throws IOException {
        return org.gridpacs.dicom.testutil.FileTrees.files(s3.bucketsFolder()).stream()
                .filter(f -> f.toString().endsWith(".enc")).toList();
    }
}
