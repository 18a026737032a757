package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.testutil.Peers;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.gateway.node.CommitmentProbe;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage commitment in a cluster of three node processes (replication factor 2, write quorum 2):
 * <ol>
 * <li>instances stored on node1, node1 killed (kill -9) before the commitment request, which node2 answers on the
 * requesting association: all committed, since the quorum made each durable on two nodes' disks;</li>
 * <li>node1 back, a request to node2 whose requester releases the association at once, node2 killed before it could
 * answer (nothing listens at the requester's address yet): one survivor takes it over and answers on a new
 * association once the requester listens, and only one report comes.</li>
 * </ol>
 */
@ProcessTest
@Timeout(600)
class StorageCommitmentProcessTest {
    @TempDir
    Path tmp;

    @Test
    void commitmentIsAnsweredAcrossKilledNodes() throws Exception {
        int probePort = Ports.freeListenPort(); // bound only once node2 is killed, minutes from now
        try (Peers.Peer orthanc = Peers.orthanc(tmp.resolve("orthanc"), "ORTHANC", Map.of());
             ClusterProcesses cluster = ClusterProcesses.builder(tmp.resolve("cluster")).nodes(3).haproxy(false)
                .avoidPorts(java.util.Set.of(probePort))
                .fsync(false).nodeSetting("ae.MODALITY = 127.0.0.1:" + probePort)
                .nodeSetting("ae.ORTHANC = 127.0.0.1:" + orthanc.port())
                .nodeSetting("commitment.waitSeconds = 20").start();
             CommitmentProbe probe = new CommitmentProbe("MODALITY")) {
            List<DataSet> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(SyntheticInstances.ct("COMMIT-CLUSTER"));
            }
            store(cluster.node("node1"), sent);
            List<String[]> refs = sent.stream().map(ds -> new String[] {ds.getString(Tag.SOPClassUID),
                    ds.getString(Tag.SOPInstanceUID)}).toList();
            Set<String> uids = new TreeSet<>(sent.stream().map(ds -> ds.getString(Tag.SOPInstanceUID)).toList());

            // 1. the receiving node is gone before the request: another node answers it, all committed
            cluster.kill("node1");
            ClusterProcesses.Node node2 = cluster.node("node2");
            try (Association as = probe.connect(ClusterProcesses.HOST, node2.dicomPort(), ClusterProcesses.AET)) {
                DimseResponse rsp = CommitmentProbe.request(as, "2.25.8001", refs);
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
                CommitmentProbe.Report report = probe.next(60);
                assertNotNull(report, "no report from node2\n" + node2.logTail(30));
                assertSame(as, report.association());
                assertEquals(List.of(), report.failed(), node2.logTail(30));
                assertEquals(uids, new TreeSet<>(report.committed()));
                assertEquals(1, report.eventTypeID());
                as.release();
            }

            // 1b. the same with Orthanc as the SCU (its REST API), asking node2: answered on a new association
            OrthancRest rest = new OrthancRest(orthanc);
            rest.put("/modalities/GRIDPACS", "{\"AET\": \"" + ClusterProcesses.AET + "\", \"Host\": \"127.0.0.1\", "
                    + "\"Port\": " + node2.dicomPort() + "}");
            JsonNode result = rest.storageCommitment("GRIDPACS", refs);
            assertEquals("Success", result.get("Status").asText(), result + "\n" + node2.logTail(30));
            Set<String> byOrthanc = new TreeSet<>();
            result.get("Success").forEach(n -> byOrthanc.add(n.get("SOPInstanceUID").asText()));
            assertEquals(uids, byOrthanc, result.toString());

            // 2. the node that took a request dies before answering: a survivor answers on a new association
            cluster.restart("node1");
            // an association that takes no requests: a report node2 tries there is refused, as if it had gone
            AAssociateRQ rq = new AAssociateRQ("MODALITY", ClusterProcesses.AET);
            rq.addPresentationContext(new PresentationContext.RQ(1, UID.StorageCommitmentPushModel,
                    UID.ExplicitVRLittleEndian));
            try (Association as = new Connector(NetworkSettings.DEFAULT).connect(ClusterProcesses.HOST,
                    node2.dicomPort(), rq, null)) {
                DimseResponse rsp = CommitmentProbe.request(as, "2.25.8002", refs);
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
                as.release();
            }
            cluster.kill("node2");
            probe.listen(probePort);
            CommitmentProbe.Report report = probe.next(120);
            assertNotNull(report, "no survivor answered\nnode1:\n" + cluster.node("node1").logTail(30) + "\nnode3:\n"
                    + cluster.node("node3").logTail(30));
            assertEquals("2.25.8002", report.transactionUID());
            assertEquals(ClusterProcesses.AET, report.association().callingAETitle());
            assertEquals(uids, new TreeSet<>(report.committed()));
            assertEquals(1, report.eventTypeID());
            CommitmentProbe.Report again = probe.next(10);
            assertNull(again, "answered twice: " + (again == null ? "" : again.transactionUID()));
        }
    }

    private static void store(ClusterProcesses.Node node, List<DataSet> instances) throws Exception {
        AAssociateRQ rq = new AAssociateRQ("MODALITY", ClusterProcesses.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect(ClusterProcesses.HOST, node.dicomPort(),
                rq, null)) {
            for (DataSet ds : instances) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DicomOutputStream dos = new DicomOutputStream(bos);
                dos.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                dos.writeDataSet(ds);
                dos.finish();
                byte[] body = bos.toByteArray();
                DimseResponse rsp = as.store(UID.CTImageStorage, ds.getString(Tag.SOPInstanceUID),
                        UID.ExplicitVRLittleEndian, out -> out.write(body), null, 0);
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            }
            as.release();
        }
    }
}
