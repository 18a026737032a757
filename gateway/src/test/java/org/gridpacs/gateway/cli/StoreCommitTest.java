package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.gateway.synthetic.SyntheticCtSeries;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code pacs store --commit} against a node: the result on the same association, or on a new one to --commit-port. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreCommitTest {
    @TempDir
    Path tmp;
    ArchiveNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private void startNode(String... settings) throws Exception {
        Properties p = new Properties();
        p.setProperty("dicom.aeTitle", "PACS");
        p.setProperty("dicom.bindAddress", "127.0.0.1");
        p.setProperty("dicom.port", "0");
        p.setProperty("http.port", "0");
        p.setProperty("storage.fsync", "false");
        for (String s : settings) {
            p.setProperty(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        node = ArchiveNode.start(NodeConfig.from(p, tmp.resolve("node")));
    }

    private Path series(int n) throws Exception {
        Path dir = tmp.resolve("ct");
        new SyntheticCtSeries(64, 64, 2.0, 3.0).write(dir, n, "COMMIT-CLI", "Commit^Cli");
        return dir;
    }

    @Test
    void commitmentOnTheSameAssociation() throws Exception {
        startNode();
        Cli.Result res = Cli.pacs("store", "--commit", "-b", "CLI", "-c", "PACS@127.0.0.1:" + node.dicomPort(),
                series(5).toString());
        assertEquals(0, res.exitCode(), res.toString());
        assertTrue(res.out().contains(": 5 of 5 committed, 0 failed"), res.out());
        assertEquals(5, res.out().lines().filter(l -> l.startsWith("  Committed: ")).count(), res.out());
    }

    @Test
    void commitmentOnANewAssociationToTheCommitPort() throws Exception {
        int port = Ports.freePort();
        startNode("ae.CLI=127.0.0.1:" + port);
        Cli.Result res = Cli.pacs("store", "--commit", "--commit-port", String.valueOf(port), "-b", "CLI",
                "-c", "PACS@127.0.0.1:" + node.dicomPort(), series(3).toString());
        assertEquals(0, res.exitCode(), res.toString());
        assertTrue(res.out().contains(": 3 of 3 committed, 0 failed"), res.out());
    }

    @Test
    void aFailureIsPrintedPerInstanceAndTheExitCodeIsOne() throws Exception {
        // a peer built on the toolkit that stores nothing durable and says so: every instance fails 0x0110
        AcceptPolicy policy = new AcceptPolicy("FLAKY").accept(UIDs.storageSopClasses(), AcceptPolicy.ANY)
                .accept(UID.StorageCommitmentPushModel, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian);
        Services services = new Services().store((request, data) -> {
            data.transferTo(OutputStream.nullOutputStream());
            return Status.SUCCESS;
        }).action(new Handlers.AfterResponse() {
            @Override
            public DataSet handle(DimseRequest request, DataSet information) {
                return null;
            }

            @Override
            public void responded(DimseRequest request, DataSet information) {
                DataSet report = new DataSet();
                report.setString(Tag.TransactionUID, VR.UI, information.getString(Tag.TransactionUID));
                Sequence failed = report.newSequence(Tag.FailedSOPSequence);
                for (DataSet item : information.getSequence(Tag.ReferencedSOPSequence)) {
                    DataSet f = failed.addItem();
                    f.addAll(item);
                    f.setInt(Tag.FailureReason, VR.US, 0x0110);
                }
                new Thread(() -> {
                    try {
                        request.association().eventReport(UID.StorageCommitmentPushModel,
                                UID.StorageCommitmentPushModelInstance, 2, report);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
        });
        try (DicomServer flaky = new DicomServer(NetworkSettings.DEFAULT, policy, services)
                .start(InetAddress.getLoopbackAddress(), 0)) {
            Cli.Result res = Cli.pacs("store", "--commit", "-b", "CLI", "-c", "FLAKY@127.0.0.1:" + flaky.port(),
                    series(2).toString());
            assertEquals(1, res.exitCode(), res.toString());
            assertTrue(res.out().contains(": 0 of 2 committed, 2 failed"), res.out());
            assertEquals(2, res.out().lines().filter(l -> l.startsWith("  Not committed: ")
                    && l.endsWith(": 0x0110 processing failure (not yet held in enough copies)")).count(), res.out());
        }
    }

    @Test
    void noResultInTimeIsAnError() throws Exception {
        AcceptPolicy policy = new AcceptPolicy("SILENT").accept(UIDs.storageSopClasses(), AcceptPolicy.ANY)
                .accept(UID.StorageCommitmentPushModel, UID.ExplicitVRLittleEndian);
        Services services = new Services().store((request, data) -> {
            data.transferTo(OutputStream.nullOutputStream());
            return Status.SUCCESS;
        }).action((request, information) -> null);
        try (DicomServer silent = new DicomServer(NetworkSettings.DEFAULT, policy, services)
                .start(InetAddress.getLoopbackAddress(), 0)) {
            Cli.Result res = Cli.pacs("store", "--commit", "--commit-timeout", "2", "-b", "CLI",
                    "-c", "SILENT@127.0.0.1:" + silent.port(), series(1).toString());
            assertNotEquals(0, res.exitCode(), res.toString());
            assertTrue((res.out() + res.err()).contains("no commitment result from SILENT"), res.toString());
        }
    }
}
