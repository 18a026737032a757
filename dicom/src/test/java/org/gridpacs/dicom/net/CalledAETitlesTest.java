package org.gridpacs.dicom.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRJ;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.junit.jupiter.api.Test;

/** One port, two application entities ({@link DicomServer#answer}): each called AE title gets its own services. */
class CalledAETitlesTest {
    private static final NetworkSettings NET = NetworkSettings.DEFAULT.withTimeouts(5_000, 5_000, 10_000, 10_000);

    private static Services answering(String who) {
        return new Services().find((rq, keys, responder) -> {
            DataSet match = new DataSet();
            match.setString(Tag.PatientID, VR.LO, who);
            responder.pending(match);
        });
    }

    private static List<String> find(int port, String called, String calling) throws Exception {
        AAssociateRQ rq = new AAssociateRQ(calling, called);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian));
        List<String> ids = new ArrayList<>();
        try (Association as = new Connector(NET).connect("127.0.0.1", port, rq, null)) {
            DataSet keys = new DataSet();
            keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
            assertEquals(Status.SUCCESS, as.find(UID.StudyRootQueryRetrieveInformationModelFind, keys,
                    m -> ids.add(m.getString(Tag.PatientID))).status());
            as.release();
        }
        return ids;
    }

    @Test
    void eachCalledAeTitleHasItsOwnPolicyAndServices() throws Exception {
        AcceptPolicy archive = new AcceptPolicy("PACS")
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian);
        // the second AE lets in only one caller: its policy, not the first one's, decides
        AcceptPolicy gateway = new AcceptPolicy("FEDERATION").callingAETitles("VIEWER"::equals)
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian);
        try (DicomServer server = new DicomServer(NET, archive, answering("archive"))
                .answer("FEDERATION", gateway, answering("gateway"))
                .start(InetAddress.getLoopbackAddress(), 0)) {
            assertEquals(List.of("archive"), find(server.port(), "PACS", "VIEWER"));
            assertEquals(List.of("gateway"), find(server.port(), "FEDERATION", "VIEWER"));
            assertEquals(List.of("archive"), find(server.port(), "PACS", "OTHER"));
            AssociationRejectedException calling = assertThrows(AssociationRejectedException.class,
                    () -> find(server.port(), "FEDERATION", "OTHER"));
            assertEquals(AAssociateRJ.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED, calling.rejection().reason());
            AssociationRejectedException called = assertThrows(AssociationRejectedException.class,
                    () -> find(server.port(), "NOBODY", "VIEWER"));
            assertEquals(AAssociateRJ.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED, called.rejection().reason());
        }
    }

    @Test
    void anAeTitleAddedAfterStartIsAnswered() throws IOException, Exception {
        AcceptPolicy archive = new AcceptPolicy("PACS")
                .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian);
        try (DicomServer server = new DicomServer(NET, archive, answering("archive"))
                .start(InetAddress.getLoopbackAddress(), 0)) {
            assertThrows(AssociationRejectedException.class, () -> find(server.port(), "FEDERATION", "VIEWER"));
            server.answer("FEDERATION", new AcceptPolicy("FEDERATION")
                    .accept(UID.StudyRootQueryRetrieveInformationModelFind, UID.ExplicitVRLittleEndian),
                    answering("gateway"));
            assertEquals(List.of("gateway"), find(server.port(), "FEDERATION", "VIEWER"));
        }
    }
}
