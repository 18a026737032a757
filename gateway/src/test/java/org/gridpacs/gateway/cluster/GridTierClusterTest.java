package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

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
import org.gridpacs.grid.tier.TierProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiering in a cluster of two nodes (replication factor 2) against a real s3proxy: a study migrated on one node
 * keeps no local file or location row on either node, repair does not re-create them, the grid object stays; a
 * restore on one node brings the local copies back on both (the other by repair).
 */
@ProcessTest
@Timeout(240)
class GridTierClusterTest {
    private static final String CREDENTIAL = "grid-tier-cluster-test-credential";
    private static final String STUDY = "1.2.826.0.1.3680043.99.78";
    private static final int INSTANCES = 3;
    @TempDir
    Path tmp;

    @Test
    void migratedStudyLeavesEveryNodeAndRepairLeavesItThereUntilRestored() throws Exception {
        Path run = tmp.resolve("run");
        try (S3ProxyServer s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), run.resolve("grid/s3"), Ports.freePort(),
                "gridpacs", CREDENTIAL).start()) {
            s3.createBucket("gridpacs");
            Files.writeString(run.resolve("grid/s3-credential"), CREDENTIAL + "\n");
            Properties p = new Properties();
            p.setProperty("grid.s3.endpoint", s3.endpoint().toString());
            GridSettings grid = GridSettings.fromProperties(p, run);
            try (InProcessCluster cluster = InProcessCluster.startWithGrid(run, 2, 2, grid)) {
                for (int i = 1; i <= INSTANCES; i++) {
                    DataSet ds = instance(i);
                    assertEquals(Status.SUCCESS, cluster.node(0).store()
                            .store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"), ds).status());
                }
                await("both nodes hold every copy and know every grid copy", () ->
                        cluster.files(0) == INSTANCES && cluster.files(1) == INSTANCES
                                && count(cluster.node(0), "grid") == INSTANCES && count(cluster.node(1), "grid") == INSTANCES);

                cluster.node(0).tiering().migrate(STUDY, TierProgress.NONE);
                assertEquals(0, cluster.files(0) + cluster.files(1), "no node keeps a local file");
                await("no node keeps a local location row", () -> localRows(cluster.node(0)) == 0
                        && localRows(cluster.node(1)) == 0);
                assertEquals(INSTANCES, count(cluster.node(1), "grid"));

                cluster.repairAll();
                assertEquals(0, cluster.files(0) + cluster.files(1), "repair re-created no local copy");
                assertEquals(0, localRows(cluster.node(0)) + localRows(cluster.node(1)));
                assertEquals(INSTANCES, count(cluster.node(0), "grid"), "repair left the grid copies");

                cluster.node(1).tiering().restore(STUDY, TierProgress.NONE);
                assertEquals(INSTANCES, cluster.files(1));
                await("the other node's copies back by repair", () -> {
                    cluster.repairAll();
                    return cluster.files(0) == INSTANCES;
                });
                assertEquals(INSTANCES * 2, localRows(cluster.node(0)));
            }
        }
    }

    private static DataSet instance(int i) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, STUDY + ".1." + i);
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, STUDY + ".2");
        ds.setString(Tag.PatientID, VR.LO, "GRIDT");
        ds.setString(Tag.Modality, VR.CS, "CT");
        return ds;
    }

    private static List<IndexedInstance.Location> rows(ArchiveNode node) throws Exception {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        return node.retrieveService().resolve(QueryModel.STUDY_ROOT, id).stream()
                .flatMap(i -> i.locations().stream()).filter(l -> l.status().equals("OK")).toList();
    }

    private static long count(ArchiveNode node, String storage) throws Exception {
        return rows(node).stream().filter(l -> l.storageId().equals(storage)).count();
    }

    private static long localRows(ArchiveNode node) throws Exception {
        return rows(node).stream().filter(l -> !l.storageId().equals("grid")).count();
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within 60 s: " + what);
    }
}
