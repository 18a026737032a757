package org.gridpacs.federation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;

class FederatedMatchesTest {
    private static DataSet patient(String id, String issuer) {
        DataSet d = new DataSet();
        d.setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT");
        d.setString(Tag.PatientID, VR.LO, id);
        if (issuer != null) {
            d.setString(Tag.IssuerOfPatientID, VR.LO, issuer);
        }
        return d;
    }

    private static DataSet study(String uid, String patientId) {
        DataSet d = new DataSet();
        d.setString(Tag.StudyInstanceUID, VR.UI, uid);
        d.setString(Tag.PatientID, VR.LO, patientId);
        return d;
    }

    @Test
    void patientsAreTheSameOnlyWithinAnIssuer() {
        FederatedMatches m = new FederatedMatches("PATIENT", "FEDERATION");
        assertNotNull(m.accept("FEDERATION", patient("123", "HOSP-A")));
        assertNull(m.accept("FED-B", patient("123", "HOSP-A")), "same ID, same issuer: one patient");
        assertNotNull(m.accept("FED-B", patient("123", "HOSP-B")), "same ID, another issuer: another patient");
        assertNotNull(m.accept("FEDERATION", patient("777", null)));
        assertNotNull(m.accept("FED-B", patient("777", null)), "no issuer: an ID means something at its site only");
        assertNull(m.accept("FED-B", patient("777", "")), "empty issuer: as none, same site");
        assertEquals(2, m.duplicates());
    }

    @Test
    void studiesAreMergedByUidAndStampedWithWhereTheyAre() {
        FederatedMatches m = new FederatedMatches("study", "FEDERATION");
        DataSet first = m.accept("FED-B", study("1.2.3", "B-1"));
        assertEquals("FEDERATION", first.getString(Tag.RetrieveAETitle));
        assertEquals("FED-B", first.getString(Tag.StorageMediaFileSetID));
        assertNull(m.accept("FED-C", study("1.2.3", "C-9")));
        assertEquals(1, m.identityConflicts(), "known under another Patient ID at C");
        assertNull(m.accept("FED-D", study("1.2.3", "B-1")));
        assertEquals(1, m.identityConflicts());
        assertEquals(2, m.duplicates());
    }

    @Test
    void theForwardedIdentifierAsksForTheIssuer() {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setNull(Tag.PatientID, VR.LO);
        keys.setString(Tag.StorageMediaFileSetID, VR.SH, "X");
        DataSet f = FederatedMatches.forwarded(keys);
        assertTrue(f.contains(Tag.IssuerOfPatientID));
        assertTrue(!f.contains(Tag.StorageMediaFileSetID));
        assertTrue(!keys.contains(Tag.IssuerOfPatientID), "the requester's identifier is left as it came");
    }
}
