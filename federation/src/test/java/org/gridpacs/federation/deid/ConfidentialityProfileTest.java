package org.gridpacs.federation.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dicom.data.Tag;
import org.junit.jupiter.api.Test;

class ConfidentialityProfileTest {
    private final ConfidentialityProfile table = ConfidentialityProfile.tableE11();
    private final DeidentificationOptions basic = DeidentificationOptions.BASIC;
    private final DeidentificationOptions both = basic.withRetainLongitudinalFullDates(true).withCleanDescriptors(true);

    @Test
    void tableHoldsTheProfileRows() {
        assertTrue(table.rules().size() > 450, "rows: " + table.rules().size());
        assertEquals(ProfileAction.Z, table.rule(Tag.PatientName).action(basic));
        assertEquals(ProfileAction.U, table.rule(Tag.StudyInstanceUID).action(basic));
        assertEquals(ProfileAction.U, table.rule(Tag.ReferencedSOPInstanceUID).action(basic));
        assertEquals(ProfileAction.U, table.rule(Tag.MediaStorageSOPInstanceUID).action(basic));
        assertEquals(ProfileAction.X_Z_U_STAR, table.rule(Tag.ReferencedImageSequence).action(basic));
        assertEquals(ProfileAction.X_Z_D, table.rule(Tag.InstitutionName).action(basic));
        assertNull(table.rule(Tag.SOPClassUID), "SOP Class UID is not in the table: kept");
        assertNull(table.rule(Tag.PixelData));
    }

    @Test
    void optionsChangeTheirColumnsOnly() {
        assertEquals(ProfileAction.X_Z, table.rule(Tag.AcquisitionDate).action(basic));
        assertEquals(ProfileAction.K, table.rule(Tag.AcquisitionDate).action(both));
        assertEquals(ProfileAction.Z, table.rule(Tag.StudyDate).action(basic));
        assertEquals(ProfileAction.K, table.rule(Tag.StudyDate).action(both));
        assertEquals(ProfileAction.X, table.rule(Tag.SeriesDescription).action(basic));
        assertEquals(ProfileAction.C, table.rule(Tag.SeriesDescription).action(both));
        assertEquals(ProfileAction.Z, table.rule(Tag.PatientID).action(both));
        assertEquals(ProfileAction.Z, table.rule(Tag.PatientBirthDate).action(both), "birth date is not longitudinal");
    }

    @Test
    void repeatingGroupsMatchEveryInstance() {
        assertEquals(ProfileAction.X, table.rule(0x60003000).action(basic));
        assertEquals(ProfileAction.X, table.rule(0x60023000).action(basic));
        assertEquals(ProfileAction.X, table.rule(0x601E4000).action(basic));
        assertEquals(ProfileAction.X, table.rule(0x50000010).action(basic), "curves");
        assertNull(table.rule(0x60000010), "overlay rows: not listed (the plane goes with its data, see Deidentifier)");
    }

    @Test
    void combinedActionsResolveToAConformantChoice() {
        assertEquals(ProfileAction.Z, ProfileAction.X_Z.resolved());
        assertEquals(ProfileAction.D, ProfileAction.X_D.resolved());
        assertEquals(ProfileAction.D, ProfileAction.X_Z_D.resolved());
        assertEquals(ProfileAction.D, ProfileAction.Z_D.resolved());
        assertEquals(ProfileAction.K, ProfileAction.X_Z_U_STAR.resolved());
    }
}
