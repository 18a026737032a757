package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class UIDsTest {

    @Test
    void names() {
        assertEquals("1.2.840.10008.5.1.4.1.1.2", UID.CTImageStorage);
        assertEquals("CT Image Storage", UIDs.nameOf(UID.CTImageStorage));
        assertEquals("Explicit VR Little Endian", UIDs.nameOf("1.2.840.10008.1.2.1"));
        assertEquals("Explicit VR Little Endian", UIDs.nameOf("1.2.840.10008.1.2.1\0")); // padded
        assertEquals("Verification SOP Class", UIDs.nameOf(UID.Verification));
        assertEquals("CTImageStorage", UIDs.keywordOf("1.2.840.10008.5.1.4.1.1.2"));
        assertEquals("SOP Class", UIDs.typeOf(UID.CTImageStorage));
        assertNull(UIDs.nameOf("1.2.3.4"));
        assertNull(UIDs.keywordOf("1.2.3.4"));
        assertNull(UIDs.nameOf(null));
        assertNull(UIDs.nameOf(""));
    }

    @Test
    void keywords() {
        assertEquals("1.2.840.10008.1.2.1", UIDs.forKeyword("ExplicitVRLittleEndian"));
        assertEquals("1.2.840.10008.1.2", UID.ImplicitVRLittleEndian);
        assertEquals(UID.RTDoseStorage, UIDs.forKeyword("RTDoseStorage"));
        assertNull(UIDs.forKeyword("NoSuchUID"));
    }

    @Test
    void transferSyntaxes() {
        assertTrue(UIDs.isTransferSyntax(UID.ExplicitVRLittleEndian));
        assertTrue(UIDs.isTransferSyntax(UID.ImplicitVRLittleEndian));
        assertTrue(UIDs.isTransferSyntax(UID.ExplicitVRBigEndian));
        assertTrue(UIDs.isRetired(UID.ExplicitVRBigEndian));
        assertFalse(UIDs.isRetired(UID.ExplicitVRLittleEndian));
        assertFalse(UIDs.isTransferSyntax(UID.CTImageStorage));
        assertFalse(UIDs.isTransferSyntax("1.2.3.4"));
        assertFalse(UIDs.isTransferSyntax(null));
    }

    @Test
    void storageSopClasses() {
        List<String> storage = UIDs.storageSopClasses();
        for (String uid : List.of(UID.RTDoseStorage, UID.RTPlanStorage, UID.RTStructureSetStorage,
                UID.RTImageStorage, UID.CTImageStorage, UID.EnhancedCTImageStorage, UID.MRImageStorage,
                UID.SecondaryCaptureImageStorage, UID.DigitalXRayImageStorageForPresentation,
                UID.ComprehensiveSRStorageTrial, UID.NuclearMedicineImageStorageRetired)) {
            assertTrue(storage.contains(uid), UIDs.nameOf(uid));
        }
        assertFalse(storage.contains(UID.Verification));
        assertFalse(storage.contains(UID.StorageCommitmentPushModel));
        assertFalse(storage.contains(UID.StorageCommitmentPushModelInstance));
        assertFalse(storage.contains(UID.Storage)); // the Storage Service Class
        for (String uid : storage) {
            assertFalse(UIDs.isTransferSyntax(uid), uid);
            assertEquals("SOP Class", UIDs.typeOf(uid), uid);
        }
        assertEquals(storage.size(), new HashSet<>(storage).size());
        assertTrue(storage.size() > 150, "only " + storage.size());
        assertThrows(UnsupportedOperationException.class, () -> storage.add("1.2.3"));
    }

    @Test
    void everyUidConstantIsInTheTable() throws IllegalAccessException {
        Field[] fields = UID.class.getFields();
        assertTrue(fields.length > 400);
        for (Field field : fields) {
            String uid = (String) field.get(null);
            assertEquals(field.getName(), UIDs.keywordOf(uid), uid);
            assertEquals(uid, UIDs.forKeyword(field.getName()));
        }
    }
}
