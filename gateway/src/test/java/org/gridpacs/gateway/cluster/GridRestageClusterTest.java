package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.gridpacs.archive.index.IndexedInstance;
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
import org.gridpacs.grid.tier.TierPolicy;
import org.gridpacs.grid.tier.TierProgress;
import org.gridpacs.grid.tier.TierStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-staging in a cluster of two nodes (replication factor 2, {@code grid.tier.restage-hours = 1}) against a real
 * s3proxy: a C-GET through node 1 of a tiered study re-stages it there (STAGED rows); repair passes on both nodes
 * leave node 2 without any copy or row of it, and node 1's digests do not count it; node 1 serves it with the S3
 * server stopped, node 2 from the grid. Restarted with re-staging off, node 1 removes its re-staged copies. A restore
 * on node 1 then makes the copies node 2 had re-staged meanwhile ordinary, announced copies.
 */
@ProcessTest
@Timeout(300)
class GridRestageClusterTest {
    private static final String CREDENTIAL = "grid-restage-cluster-test-credential";
    private static final String STUDY = "1.2.826.0.1.3680043.99.79";
    private static final int INSTANCES = 3;
    @TempDir
    Path tmp;

    @Test
    void reStagedCopiesStayTheReadingNodesOwn() throws Exception {
        Path run = tmp.resolve("run");
        try (S3ProxyServer s3 = new S3ProxyServer(S3ProxyServer.defaultJar(), run.resolve("grid/s3"), Ports.freePort(),
                "gridpacs", CREDENTIAL).start()) {
            s3.createBucket("gridpacs");
            Files.writeString(run.resolve("grid/s3-credential"), CREDENTIAL + "\n");
            try (InProcessCluster cluster = InProcessCluster.startWithGrid(run, 2, 2, grid(s3, 1, run))) {
                for (int i = 1; i <= INSTANCES; i++) {
                    DataSet ds = instance(i);
                    assertEquals(Status.SUCCESS, cluster.node(0).store()
                            .store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "MODALITY"), ds).status());
                }
                await("both nodes hold every copy and know every grid copy", () ->
                        cluster.files(0) == INSTANCES && cluster.files(1) == INSTANCES
                                && rows(cluster.node(0), "grid", "OK") == INSTANCES
                                && rows(cluster.node(1), "grid", "OK") == INSTANCES);
                cluster.node(0).tiering().migrate(STUDY, TierProgress.NONE);
                await("no node keeps a local copy", () -> cluster.files(0) + cluster.files(1) == 0
                        && localRows(cluster.node(0)) + localRows(cluster.node(1)) == 0);

                assertEquals(INSTANCES, get(cluster, 0, tmp.resolve("get1")), "node 1 serves it from the grid");
                cluster.node(0).tierScheduler().flushReads(); // the minute's flush, now
                await("re-staged on node 1", () -> rows(cluster.node(0), "node1", "STAGED") == INSTANCES);
                assertEquals(INSTANCES, cluster.files(0));
                assertEquals(TierStates.State.RESTAGED, state(cluster.node(0)));

                cluster.repairAll(); // two full passes on each node: index sync, then placement
                assertEquals(0, cluster.files(1), "node 2 fetched no re-staged copy");
                assertEquals(0, localRows(cluster.node(1)), "node 2 knows no local copy of the study");
                assertTrue(cluster.digests(0).stream().noneMatch(l -> l.startsWith(STUDY + " ")),
                        "node 1's digests do not count its re-staged copies: " + cluster.digests(0));
                assertEquals(INSTANCES, rows(cluster.node(0), "node1", "STAGED"), "node 1's repair left them");
                assertEquals(0, rows(cluster.node(0), "node1", "OK"));

                s3.stop();
                try {
                    assertEquals(INSTANCES, get(cluster, 0, tmp.resolve("get2")), "node 1 reads its re-staged copies");
                } finally {
                    s3.start();
                }
                assertEquals(INSTANCES, get(cluster, 1, tmp.resolve("get3")), "node 2 serves it from the grid");
                cluster.node(1).tierScheduler().flushReads();
                await("re-staged on node 2 as well", () -> rows(cluster.node(1), "node2", "STAGED") == INSTANCES);
                cluster.repairAll();
                assertEquals(0, rows(cluster.node(0), "node2", null), "node 1 never heard of node 2's re-staged copies");
                assertEquals(INSTANCES, cluster.files(0), "node 1 fetched none of them");

                cluster.stop(0);
                cluster.grid(grid(s3, 0, run)); // re-staging off: every re-staged study goes back to the grid
                cluster.start(0);
                cluster.node(0).tierScheduler().pass();
                await("node 1's re-staged copies removed", () -> cluster.files(0) == 0
                        && rows(cluster.node(0), "node1", null) == 0);
                assertEquals(TierStates.State.TIERED, state(cluster.node(0)));
                assertEquals(INSTANCES, rows(cluster.node(0), "grid", "OK"), "the grid copies stay");

                cluster.node(0).tiering().restore(STUDY, TierProgress.NONE);
                assertEquals(INSTANCES, cluster.files(0));
                assertEquals(INSTANCES, rows(cluster.node(1), "node2", "OK"),
                        "node 2's re-staged copies made ordinary by the restore");
                assertTrue(cluster.node(1).tiering().states().get(STUDY).isEmpty(), "node 2: no tier row");
                await("each node knows the other's copies", () -> {
                    cluster.repairAll();
                    return rows(cluster.node(0), "node2", "OK") == INSTANCES
                            && rows(cluster.node(1), "node1", "OK") == INSTANCES;
                });
                assertEquals(INSTANCES, cluster.files(1), "node 2 kept its copies, fetched no second one");
            }
        }
    }

    private static GridSettings grid(S3ProxyServer s3, int restageHours, Path run) throws IOException {
        Properties p = new Properties();
        p.setProperty("grid.s3.endpoint", s3.endpoint().toString());
        p.setProperty(TierPolicy.RESTAGE_HOURS, String.valueOf(restageHours));
        return GridSettings.fromProperties(p, run);
    }

    /** A C-GET of the study through node {@code i} (DCMTK getscu): how many instances it received. */
    private static int get(InProcessCluster cluster, int i, Path dir) throws Exception {
        DcmtkClients.GetRun r = DcmtkClients.getscu("GETSCU", InProcessCluster.AET, "127.0.0.1",
                cluster.dicomPort(i), STUDY, dir, 60);
        assertEquals(0, r.exitCode(), "getscu: " + r);
        return r.received().size();
    }

    private static TierStates.State state(ArchiveNode node) throws Exception {
        return node.tiering().states().get(STUDY).orElseThrow().state();
    }

    private static DataSet instance(int i) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, STUDY + ".1." + i);
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, STUDY + ".2");
        ds.setString(Tag.PatientID, VR.LO, "GRIDR");
        ds.setString(Tag.Modality, VR.CS, "CT");
        return ds;
    }

    /** The study's location rows on {@code node}, looked up by SOP Instance UID (no study read is noted). */
    private static List<IndexedInstance.Location> locations(ArchiveNode node) throws Exception {
        List<IndexedInstance.Location> out = new ArrayList<>();
        for (int i = 1; i <= INSTANCES; i++) {
            node.retrieveService().instance(STUDY + ".1." + i).ifPresent(x -> out.addAll(x.locations()));
        }
        return out;
    }

    /** Location rows of the study on {@code storage} with {@code status} (null: any). */
    private static long rows(ArchiveNode node, String storage, String status) throws Exception {
        return locations(node).stream().filter(l -> l.storageId().equals(storage)
                && (status == null || l.status().equals(status))).count();
    }

    private static long localRows(ArchiveNode node) throws Exception {
        return locations(node).stream().filter(l -> !l.storageId().equals("grid")).count();
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
