package org.gridpacs.dicom.testutil;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/**
 * Small generated CT instances (32 x 32, 2 KiB of pixels) for the tests that need many, or need to break them
 * (dicom's test-jar).
 */
public final class SyntheticInstances {
    private SyntheticInstances() {
    }

    /**
     * A complete 32 x 32 CT image of the given patient, study and series, with a new SOP Instance UID; its pixels
     * depend on {@code seed}, so that two seeds give two different objects.
     */
    public static DataSet ct(String patientID, String study, String series, int instanceNumber, int seed) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, Implementation.newUID());
        ds.setString(Tag.StudyDate, VR.DA, "20240102");
        ds.setString(Tag.StudyTime, VR.TM, "101500");
        ds.setString(Tag.AccessionNumber, VR.SH, "A" + patientID);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "");
        ds.setString(Tag.PatientName, VR.PN, "Test^" + patientID);
        ds.setString(Tag.PatientID, VR.LO, patientID);
        ds.setString(Tag.PatientBirthDate, VR.DA, "19700101");
        ds.setString(Tag.PatientSex, VR.CS, "O");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.StudyID, VR.SH, "1");
        ds.setInt(Tag.SeriesNumber, VR.IS, 1);
        ds.setInt(Tag.InstanceNumber, VR.IS, instanceNumber);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, 32);
        ds.setInt(Tag.Columns, VR.US, 32);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 12);
        ds.setInt(Tag.HighBit, VR.US, 11);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
        ds.setString(Tag.RescaleSlope, VR.DS, "1");
        byte[] pixels = new byte[32 * 32 * 2];
        for (int i = 0; i < pixels.length; i += 2) {
            int v = (i * 31 + seed * 977) & 0x0FFF;
            pixels[i] = (byte) v;
            pixels[i + 1] = (byte) (v >> 8);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    /** A CT image in a study and series of its own. */
    public static DataSet ct(String patientID) {
        return ct(patientID, Implementation.newUID(), Implementation.newUID(), 1, 0);
    }
}
