package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.junit.jupiter.api.Test;

class HeaderEncoderTest {
    private static final int OVERLAY_DATA = 0x60003000; // (6000,3000): a repeating group, no constant in Tag

    private static DataSet decode(byte[] header) throws IOException {
        DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(header));
        in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        return in.readDataSet();
    }

    @Test
    void leavesOutBulkDataAtAnyDepthAndPixelData() throws IOException {
        DataSet ds = new DataSet();
        ds.setString(Tag.TransferSyntaxUID, VR.UI, "1.2.840.10008.1.2.1"); // meta information does not belong here
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setString(Tag.PatientName, VR.PN, "Doe^Jane");
        ds.setValue(OVERLAY_DATA, VR.OW, new BulkData(1000, 8192, false));
        Sequence icon = ds.newSequence(Tag.IconImageSequence);
        DataSet item = icon.addItem();
        item.setInt(Tag.Rows, VR.US, 64);
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(new byte[] {1, 2, 3, 4});
        item.setValue(Tag.PixelData, VR.OB, f);
        Sequence other = ds.newSequence(Tag.ReferencedImageSequence);
        DataSet ref = other.addItem();
        ref.setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.5");
        ref.setValue(0x00091010, VR.OB, new BulkData(50, 9000, false));
        ds.setBytes(Tag.PixelData, VR.OW, new byte[] {1, 2, 3, 4}); // small, read whole: still left out

        DataSet decoded = decode(HeaderEncoder.encode(ds));

        assertEquals("1.2.3.4", decoded.getString(Tag.SOPInstanceUID));
        assertEquals("Doe^Jane", decoded.getString(Tag.PatientName));
        assertFalse(decoded.contains(Tag.TransferSyntaxUID));
        assertFalse(decoded.contains(OVERLAY_DATA));
        assertFalse(decoded.contains(Tag.PixelData));
        DataSet iconItem = decoded.getItem(Tag.IconImageSequence);
        assertEquals(64, iconItem.getInt(Tag.Rows, 0));
        assertFalse(iconItem.contains(Tag.PixelData));
        DataSet refItem = decoded.getItem(Tag.ReferencedImageSequence);
        assertEquals("1.2.3.5", refItem.getString(Tag.ReferencedSOPInstanceUID));
        assertFalse(refItem.contains(0x00091010));

        // what was left out is recorded in the header, in order of the paths, but for the top-level Pixel Data
        assertEquals(List.of("00081140/0/00091010 OB", "00880200/0/7FE00010 OB", "60003000 OW"),
                LeftOutValues.of(decoded).stream().map(LeftOutValues.Entry::toString).toList());
        LeftOutValues.remove(decoded);
        assertFalse(decoded.contains(0x00090010), "the record's private creator is gone");
        assertNull(LeftOutValues.of(decoded));

        // the data set given is not changed
        assertInstanceOf(BulkData.class, ds.getValue(OVERLAY_DATA));
        assertInstanceOf(Fragments.class, ds.getItem(Tag.IconImageSequence).getValue(Tag.PixelData));
        assertTrue(ds.contains(Tag.PixelData));
    }

    @Test
    void theSameHeaderWhateverTheThresholdItWasReadWith() throws IOException {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setBytes(0x00091010, VR.OB, new byte[HeaderEncoder.BULK_DATA_THRESHOLD]); // small enough: header
        ds.setBytes(OVERLAY_DATA, VR.OW, new byte[HeaderEncoder.BULK_DATA_THRESHOLD + 2]);
        ds.setBytes(Tag.PixelData, VR.OW, new byte[2 * HeaderEncoder.BULK_DATA_THRESHOLD]);
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
        try (org.gridpacs.dicom.io.DicomOutputStream out = new org.gridpacs.dicom.io.DicomOutputStream(file)) {
            out.writeDataSet(ds);
        }
        byte[] whole = HeaderEncoder.encode(ds);
        for (long threshold : new long[] {HeaderEncoder.BULK_DATA_THRESHOLD, 10_000, Long.MAX_VALUE}) {
            DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(file.toByteArray()));
            in.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            in.setBulkDataThreshold(threshold);
            org.junit.jupiter.api.Assertions.assertArrayEquals(whole, HeaderEncoder.encode(in.readDataSet()));
        }
        DataSet decoded = decode(whole);
        assertTrue(decoded.contains(0x00091010));
        assertFalse(decoded.contains(OVERLAY_DATA));
    }

    @Test
    void theRecordTakesAFreePrivateBlockAndIsThereWhenNothingWasLeftOut() throws IOException {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        ds.setString(0x00090010, VR.LO, "GEMS_IDEN_01");
        ds.setString(0x00091001, VR.LO, "theirs");
        ds.setString(0x00091101, VR.LO, "no creator"); // malformed: block 0x11 is used all the same
        DataSet decoded = decode(HeaderEncoder.encode(ds));
        assertEquals(List.of(), LeftOutValues.of(decoded));
        assertEquals(LeftOutValues.CREATOR, decoded.getString(0x00090012));
        LeftOutValues.remove(decoded);
        assertEquals(ds.size(), decoded.size(), "without the record, the header is the data set: " + decoded);
        for (int tag : new int[] {Tag.SOPInstanceUID, 0x00090010, 0x00091001, 0x00091101}) {
            assertEquals(ds.getString(tag), decoded.getString(tag));
        }

        ds.setValue(0x00091002, VR.OB, new BulkData(0, 5000, false));
        DataSet withBulk = decode(HeaderEncoder.encode(ds));
        assertEquals(List.of(new LeftOutValues.Entry("00091002", VR.OB)), LeftOutValues.of(withBulk));
    }

    @Test
    void aHeaderEncodedBeforeRecordsHasNone() throws IOException {
        DataSet old = new DataSet();
        old.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        assertNull(LeftOutValues.of(old));
    }

    @Test
    void emptyValuesAndEmptySequencesStay() throws IOException {
        DataSet ds = new DataSet();
        ds.setNull(Tag.PatientBirthDate, VR.DA);
        ds.newSequence(Tag.ReferencedStudySequence);
        DataSet decoded = decode(HeaderEncoder.encode(ds));
        assertTrue(decoded.contains(Tag.PatientBirthDate));
        assertNull(decoded.getString(Tag.PatientBirthDate));
        assertTrue(decoded.getSequence(Tag.ReferencedStudySequence).isEmpty());
    }
}
