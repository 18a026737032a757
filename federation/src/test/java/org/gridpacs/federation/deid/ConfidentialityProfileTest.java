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
        // the 657 rows of the 2026d edition, its "gggg odd" row written as eight patterns
        assertEquals(657 + 7, table.rules().size());
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
        assertEquals(ProfileAction.Z_D, table.rule(Tag.PatientID).action(both), "2026d: Z/D (was Z)");
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
    void rowsOfTheEditionsSince2021() {
        // Type 2 in RT Beams: X/Z in 2026d (X in 2021), so an RT Plan keeps the attribute, empty
        assertEquals(ProfileAction.X_Z, table.rule(Tag.TreatmentMachineName).action(basic));
        assertEquals(ProfileAction.Z, table.rule(Tag.TreatmentMachineName).action(basic).resolved());
        assertEquals(ProfileAction.X, table.rule(Tag.StationAETitle).action(basic));
        assertEquals(ProfileAction.X, table.rule(0x00100012).action(basic), "Name to Use");
        assertEquals(ProfileAction.X, table.rule(0x00100041).action(basic), "Gender Identity Sequence");
        assertEquals(ProfileAction.X_D, table.rule(Tag.InstanceCreationDate).action(basic));
        assertEquals(ProfileAction.K, table.rule(Tag.InstanceCreationDate).action(both));
        assertEquals(ProfileAction.D, table.rule(Tag.EncapsulatedDocument).action(basic));
    }

    @Test
    void privateAttributesRowMatchesEveryOddGroup() {
        for (int group : new int[] {0x0009, 0x0011, 0x0013, 0x0015, 0x0017, 0x0019, 0x001B, 0x001D, 0x001F, 0x7FE1,
                                    0xFFFD}) {
            assertEquals(ProfileAction.X, table.rule(group << 16 | 0x1010).action(basic), Integer.toHexString(group));
        }
        assertNull(table.rule(0x00080016), "SOP Class UID: even group, not listed");
        assertNull(table.rule(0x00280010), "Rows: even group, not listed");
    }

    @Test
    void everyActionOfTheTableIsImplemented() {
        for (ConfidentialityProfile.Rule r : table.rules()) {
            // loaded through ProfileAction.ofCode, which refuses an unknown code; each resolves to one of six
            assertTrue(java.util.EnumSet.of(ProfileAction.D, ProfileAction.Z, ProfileAction.X, ProfileAction.K,
                    ProfileAction.C, ProfileAction.U).contains(r.basic().resolved()), r.name());
        }
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
