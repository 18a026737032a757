package org.gridpacs.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class ElementDictionaryTest {

    @Test
    void patientName() {
        assertEquals(0x00100010, Tag.PatientName);
        assertEquals(VR.PN, ElementDictionary.vrOf(Tag.PatientName));
        assertEquals("PatientName", ElementDictionary.keywordOf(0x00100010));
        assertEquals("Patient's Name", ElementDictionary.nameOf(0x00100010));
        assertEquals("1", ElementDictionary.vmOf(0x00100010));
        assertFalse(ElementDictionary.isRetired(0x00100010));
        assertEquals(0x00100010, ElementDictionary.tagForKeyword("PatientName"));
    }

    @Test
    void vrChoicesForImplicitVr() {
        assertEquals(VR.OW, ElementDictionary.vrOf(Tag.PixelData)); // OB or OW
        assertEquals(VR.OW, ElementDictionary.vrOf(Tag.RedPaletteColorLookupTableData));
        assertEquals(0x00281201, Tag.RedPaletteColorLookupTableData);
        assertEquals(VR.US, ElementDictionary.vrOf(Tag.RedPaletteColorLookupTableDescriptor)); // US or SS
        assertEquals(VR.OW, ElementDictionary.vrOf(Tag.LUTData)); // US or OW
        assertEquals(VR.OW, ElementDictionary.vrOf(Tag.GrayLookupTableData)); // US or SS or OW
        assertEquals(VR.SQ, ElementDictionary.vrOf(Tag.ReferencedImageSequence));
        assertEquals(VR.UI, ElementDictionary.vrOf(Tag.SOPInstanceUID));
    }

    @Test
    void repeatingGroups() {
        assertEquals(VR.OW, ElementDictionary.vrOf(0x60003000));
        assertEquals(VR.OW, ElementDictionary.vrOf(0x601E3000));
        assertEquals("OverlayData", ElementDictionary.keywordOf(0x60023000));
        assertEquals("Overlay Data", ElementDictionary.nameOf(0x60003000));
        assertEquals(VR.US, ElementDictionary.vrOf(0x60000010)); // Overlay Rows
        assertEquals(VR.SS, ElementDictionary.vrOf(0x60040050)); // Overlay Origin
        assertTrue(ElementDictionary.isRetired(0x50003000)); // Curve Data
        assertEquals(VR.US, ElementDictionary.vrOf(0x10000013)); // (1000,xxx3) Huffman Table Triplet
        assertEquals(0x60003000, ElementDictionary.tagForKeyword("OverlayData"));
    }

    @Test
    void groupLengths() {
        assertEquals(VR.UL, ElementDictionary.vrOf(0x00080000));
        assertEquals(VR.UL, ElementDictionary.vrOf(0x00090000));
        assertEquals(VR.UL, ElementDictionary.vrOf(0x60000000));
        assertEquals(VR.UL, ElementDictionary.vrOf(0x10100000)); // not (1010,xxxx) Zonal Map
        assertEquals(VR.UL, ElementDictionary.vrOf(Tag.CommandGroupLength));
        assertEquals(VR.UL, ElementDictionary.vrOf(Tag.FileMetaInformationGroupLength));
    }

    @Test
    void commandAndFileMetaElements() {
        assertEquals(0x00000002, Tag.AffectedSOPClassUID);
        assertEquals(0x00000100, Tag.CommandField);
        assertEquals(0x00000110, Tag.MessageID);
        assertEquals(0x00000120, Tag.MessageIDBeingRespondedTo);
        assertEquals(0x00000900, Tag.Status);
        assertEquals(0x00001000, Tag.AffectedSOPInstanceUID);
        assertEquals(VR.US, ElementDictionary.vrOf(Tag.CommandField));
        assertEquals(VR.UI, ElementDictionary.vrOf(Tag.AffectedSOPClassUID));
        assertEquals(0x00020010, Tag.TransferSyntaxUID);
        assertEquals(VR.OB, ElementDictionary.vrOf(Tag.FileMetaInformationVersion));
        assertTrue(ElementDictionary.isRetired(Tag.CommandLengthToEnd));
    }

    @Test
    void itemsHaveNoVr() {
        assertEquals(0xFFFEE000, Tag.Item);
        assertEquals(0xFFFEE00D, Tag.ItemDelimitationItem);
        assertEquals(0xFFFEE0DD, Tag.SequenceDelimitationItem);
        assertNull(ElementDictionary.vrOf(Tag.Item));
        assertNull(ElementDictionary.vrOf(Tag.ItemDelimitationItem));
        assertNull(ElementDictionary.vrOf(Tag.SequenceDelimitationItem));
    }

    @Test
    void privateElements() {
        assertEquals(VR.LO, ElementDictionary.vrOf(0x00290010)); // private creators
        assertEquals(VR.LO, ElementDictionary.vrOf(0x000900FF));
        assertEquals(VR.LO, ElementDictionary.vrOf(0x60010010)); // not Overlay Rows
        assertEquals(VR.UN, ElementDictionary.vrOf(0x00291010)); // no creator given
        assertEquals(VR.UN, ElementDictionary.vrOf(0x00290001));
        assertEquals("", ElementDictionary.keywordOf(0x00291010));

        assertEquals(VR.OB, ElementDictionary.vrOf(0x00291010, "SIEMENS CSA HEADER")); // CSA Image Header Info
        assertEquals(VR.OB, ElementDictionary.vrOf(0x00291110, "SIEMENS CSA HEADER ")); // other block, padded
        assertEquals(VR.CS, ElementDictionary.vrOf(0x00291008, "SIEMENS CSA HEADER"));
        assertEquals(VR.SS, ElementDictionary.vrOf(0x00431001, "GEMS_PARM_01"));
        assertEquals(VR.US, ElementDictionary.vrOf(0x60011010, "PAPYRUS 3.0")); // (60xx,xx10)
        assertEquals(VR.UN, ElementDictionary.vrOf(0x00291010, "NO SUCH CREATOR"));
        assertEquals(VR.UN, ElementDictionary.vrOf(0x002910FE, "SIEMENS CSA HEADER"));
        assertEquals(VR.UN, ElementDictionary.vrOf(0x00291010, null));
        // not private elements: the creator is ignored
        assertEquals(VR.LO, ElementDictionary.vrOf(0x00290010, "SIEMENS CSA HEADER"));
        assertEquals(VR.PN, ElementDictionary.vrOf(Tag.PatientName, "SIEMENS CSA HEADER"));
    }

    @Test
    void unknownTags() {
        assertEquals(VR.UN, ElementDictionary.vrOf(0x00089999));
        assertEquals("", ElementDictionary.keywordOf(0x00089999));
        assertEquals("", ElementDictionary.nameOf(0x00089999));
        assertEquals("", ElementDictionary.vmOf(0x00089999));
        assertFalse(ElementDictionary.isRetired(0x00089999));
        assertEquals(-1, ElementDictionary.tagForKeyword("NoSuchKeyword"));
        assertEquals(-1, ElementDictionary.tagForKeyword(""));
    }

    @Test
    void parseTag() {
        assertEquals(0x00100010, ElementDictionary.parseTag("PatientName"));
        assertEquals(0x00100010, ElementDictionary.parseTag("(0010,0010)"));
        assertEquals(0x00100010, ElementDictionary.parseTag("0010,0010"));
        assertEquals(0x00100010, ElementDictionary.parseTag("00100010"));
        assertEquals(0x7FE00010, ElementDictionary.parseTag(" (7fe0,0010) "));
        assertEquals(0xFFFEE000, ElementDictionary.parseTag("FFFEE000"));
        for (String bad : new String[] {"PatientNam", "(0010,0010", "0010-0010", "0010001", "(0010,001G)", ""}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ElementDictionary.parseTag(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ElementDictionary.parseTag(null));
    }

    @Test
    void tagToString() {
        assertEquals("(0010,0010)", ElementDictionary.toString(Tag.PatientName));
        assertEquals("(7FE0,0010)", ElementDictionary.toString(Tag.PixelData));
        assertEquals("(FFFE,E0DD)", ElementDictionary.toString(Tag.SequenceDelimitationItem));
        assertEquals("(0000,0000)", ElementDictionary.toString(0));
    }

    @Test
    void everyTagConstantIsInTheDictionary() throws IllegalAccessException {
        int count = 0;
        for (Field field : Tag.class.getFields()) {
            assertTrue(Modifier.isStatic(field.getModifiers()));
            int tag = field.getInt(null);
            assertEquals(field.getName(), ElementDictionary.keywordOf(tag), ElementDictionary.toString(tag));
            assertEquals(tag, ElementDictionary.tagForKeyword(field.getName()));
            count++;
        }
        assertTrue(count > 4000, "only " + count + " Tag constants");
    }
}
