package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * store.duplicatePolicy on the running node: the same object sent again is a success and stays one instance; a
 * different object under a stored SOP Instance UID is refused with 0x0111 (REJECT) or takes the old one's place
 * (REPLACE), one instance and one file either way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DuplicatePolicyTest {
    @TempDir
    Path tmp;
    RunningNode node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** The original, and a different object with the same UIDs: other pixels, another Instance Number. */
    private static DataSet[] originalAndImpostor() {
        DataSet original = SyntheticInstances.ct("DUP");
        DataSet impostor = SyntheticInstances.ct("DUP", original.getString(Tag.StudyInstanceUID),
                original.getString(Tag.SeriesInstanceUID), 7, 42);
        impostor.setString(Tag.SOPInstanceUID, VR.UI, original.getString(Tag.SOPInstanceUID));
        return new DataSet[] {original, impostor};
    }

    @Test
    void rejectKeepsTheStoredObjectAndAnswers0111() throws Exception {
        node = RunningNode.start(tmp.resolve("node"), "store.duplicatePolicy=REJECT");
        DataSet[] d = originalAndImpostor();
        sendTwiceFromTwoAssociations(d[0]);
        try (Association as = node.connectForStore("OTHER", UID.CTImageStorage)) {
            DimseResponse rsp = RunningNode.store(as, d[1]);
            assertEquals(Status.DUPLICATE_SOP_INSTANCE, rsp.status(), rsp.describe());
            as.release();
        }
        assertOneInstanceHolding(d[0], "1");
    }

    @Test
    void replaceStoresTheNewObjectInstead() throws Exception {
        node = RunningNode.start(tmp.resolve("node"), "store.duplicatePolicy=REPLACE");
        DataSet[] d = originalAndImpostor();
        sendTwiceFromTwoAssociations(d[0]);
        try (Association as = node.connectForStore("OTHER", UID.CTImageStorage)) {
            DimseResponse rsp = RunningNode.store(as, d[1]);
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            as.release();
        }
        assertOneInstanceHolding(d[1], "7");
    }

    /** The same object twice on one association, then again on another: success each time. */
    private void sendTwiceFromTwoAssociations(DataSet ds) throws Exception {
        try (Association as = node.connectForStore("FIRST", UID.CTImageStorage)) {
            for (int i = 0; i < 2; i++) {
                DimseResponse rsp = RunningNode.store(as, ds);
                assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            }
            as.release();
        }
        try (Association as = node.connectForStore("SECOND", UID.CTImageStorage)) {
            DimseResponse rsp = RunningNode.store(as, ds);
            assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
            as.release();
        }
        assertEquals(1, images(ds).size());
    }

    private List<DataSet> images(DataSet ds) throws Exception {
        return node.find("IMAGE", Tag.StudyInstanceUID, ds.getString(Tag.StudyInstanceUID),
                Tag.SeriesInstanceUID, ds.getString(Tag.SeriesInstanceUID), Tag.SOPInstanceUID, "",
                Tag.InstanceNumber, "");
    }

    /** C-FIND finds one instance with {@code instanceNumber}; the index names one file, holding {@code expected}. */
    private void assertOneInstanceHolding(DataSet expected, String instanceNumber) throws Exception {
        List<DataSet> found = images(expected);
        assertEquals(1, found.size());
        assertEquals(expected.getString(Tag.SOPInstanceUID), found.get(0).getString(Tag.SOPInstanceUID));
        assertEquals(instanceNumber, found.get(0).getString(Tag.InstanceNumber), "the index answers for the stored object");
        node.stop();
        List<RunningNode.IndexedFile> files = node.indexedFiles();
        assertEquals(1, files.size());
        assertEquals(1, node.storageFiles().size(), "files in storage: " + node.storageFiles());
        DataSet stored = Instances.read(node.storageRoot().resolve(files.get(0).storageKey())).dataSet();
        assertEquals(RunningNode.roundTrip(expected), stored, "the stored object");
    }
}
