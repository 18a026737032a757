package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.junit.jupiter.api.Test;

class GetContextsTest {
    @Test
    void fitsOneAssociationWithTheQueryContext() {
        AAssociateRQ rq = new AAssociateRQ("A", "B");
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        GetContexts.addTo(rq);
        assertTrue(rq.presentationContexts().size() <= 128, "contexts: " + rq.presentationContexts().size());
        for (String keyword : GetContexts.CLASSES) {
            String uid = GetContexts.uid(keyword);
            assertTrue(UIDs.storageSopClasses().contains(uid), keyword + " is a storage SOP class");
            assertEquals(new RoleSelection(uid, false, true), rq.userInformation().roleSelection(uid));
        }
        assertEquals(GetContexts.CLASSES.size(), rq.userInformation().roleSelections().size());
        assertTrue(GetContexts.CLASSES.containsAll(GetContexts.COMPRESSED_CLASSES));
    }
}
