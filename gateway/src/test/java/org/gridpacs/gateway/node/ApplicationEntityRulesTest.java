package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.AssociationRejectedException;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.testutil.Dcmtk.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * The known-AE rules of the running node with security.acceptUnknownCallers=false: unknown callers are rejected at
 * association, a known AE without the store right gets 0x0124, and C-MOVE to an AE the node does not know gets
 * 0xA801.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApplicationEntityRulesTest {
    @TempDir
    Path tmp;
    RunningNode node;

    @BeforeEach
    void startNode() throws Exception {
        // nothing listens at these ports: no test here reaches a known AE's own SCP
        node = RunningNode.start(tmp.resolve("node"), "security.acceptUnknownCallers=false",
                "ae.MODALITY=127.0.0.1:9", "ae.VIEWER=127.0.0.1:9 query retrieve", "ae.FINDSCU=127.0.0.1:9 query");
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    @ProcessTest
    void unknownCallingAeTitleIsRejectedAtAssociation() throws Exception {
        AssociationRejectedException e = assertThrows(AssociationRejectedException.class,
                () -> node.connectForStore("STRANGER", UID.CTImageStorage));
        AAssociateRJ rj = e.rejection();
        assertEquals(AAssociateRJ.RESULT_REJECTED_PERMANENT, rj.result(), rj.describe());
        assertEquals(AAssociateRJ.SOURCE_SERVICE_USER, rj.source(), rj.describe());
        assertEquals(AAssociateRJ.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED, rj.reason(), rj.describe());

        // as DCMTK reports it, and a known AE is let in by the same node
        Result r = Dcmtk.run(30, "echoscu", "-v", "-aet", "STRANGER", "-aec", RunningNode.AET, RunningNode.HOST,
                String.valueOf(node.port()));
        assertNotEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("Calling AE Title Not Recognized"), r.output());
        r = Dcmtk.run(30, "echoscu", "-v", "-aet", "MODALITY", "-aec", RunningNode.AET, RunningNode.HOST,
                String.valueOf(node.port()));
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void knownAeWithoutTheStoreRightGets0124() throws Exception {
        DataSet ds = SyntheticInstances.ct("NOT-ALLOWED");
        try (Association as = node.connectForStore("VIEWER", UID.CTImageStorage)) {
            DimseResponse rsp = RunningNode.store(as, ds);
            assertEquals(Status.NOT_AUTHORIZED, rsp.status(), rsp.describe());
            as.release();
        }
        // the same object from an AE with the right is stored: the refusal was about who sent it
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            assertEquals(Status.SUCCESS, RunningNode.store(as, SyntheticInstances.ct("ALLOWED")).status());
            as.release();
        }
        assertTrue(node.findAs("VIEWER", "STUDY", Tag.PatientID, "NOT-ALLOWED").isEmpty());
        assertEquals(1, node.findAs("VIEWER", "STUDY", Tag.PatientID, "ALLOWED").size());
        node.stop();
        assertEquals(1, node.indexRowCounts().get("instance"));
        assertEquals(1, node.storageFiles().size());
    }

    @Test
    @ProcessTest
    void moveToAnUnknownDestinationGetsA801() throws Exception {
        DataSet ds = SyntheticInstances.ct("MOVE-ME");
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            assertEquals(Status.SUCCESS, RunningNode.store(as, ds).status());
            as.release();
        }
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, ds.getString(Tag.StudyInstanceUID));
        try (Association as = node.connectForQuery("VIEWER")) {
            DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "NOWHERE", keys, p -> { });
            assertEquals(Status.MOVE_DESTINATION_UNKNOWN, rsp.status(), rsp.describe());
            as.release();
        }
        // and DCMTK's movescu hears the same
        Result r = Dcmtk.run(30, "movescu", "-v", "-S", "-aet", "VIEWER", "-aec", RunningNode.AET, "-aem", "NOWHERE",
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + ds.getString(Tag.StudyInstanceUID),
                RunningNode.HOST, String.valueOf(node.port()));
        assertTrue(Dcmtk.lastResponse(r.output(), "Final Move") != null
                && Dcmtk.lastResponse(r.output(), "Final Move").contains("MoveDestinationUnknown"), r.output());
    }
}
