package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/** CT Image Storage slices built in code: uncompressed, signed 16-bit unless changed. */
public final class SyntheticCt {
    public static final String STUDY = "1.2.826.0.1.3680043.10.543.1";
    public static final String SERIES = "1.2.826.0.1.3680043.10.543.2";
    public static final String FRAME_OF_REFERENCE = "1.2.826.0.1.3680043.10.543.3";

    private SyntheticCt() {
    }

    /** A slice with its first pixel at (x, y, z) mm, rows along +x and columns along +y. */
    public static DataSet slice(int number, int rows, int columns, double rowSpacing, double columnSpacing, double x,
                         double y, double z, short[] stored) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, SERIES + "." + number);
        ds.setString(Tag.StudyDate, VR.DA, "20261206");
        ds.setString(Tag.StudyTime, VR.TM, "101500");
        ds.setString(Tag.AccessionNumber, VR.SH, "A123");
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "Müller^Hans");
        ds.setString(Tag.PatientName, VR.PN, "Phantom^Wäter");
        ds.setString(Tag.PatientID, VR.LO, "PH-1");
        ds.setString(Tag.PatientBirthDate, VR.DA, "19700101");
        ds.setString(Tag.PatientSex, VR.CS, "O");
        ds.setString(Tag.SliceThickness, VR.DS, "3");
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, SERIES);
        ds.setString(Tag.StudyID, VR.SH, "S1");
        ds.setInt(Tag.InstanceNumber, VR.IS, number);
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, x, y, z);
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, FRAME_OF_REFERENCE);
        ds.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, rows);
        ds.setInt(Tag.Columns, VR.US, columns);
        ds.setDouble(Tag.PixelSpacing, VR.DS, rowSpacing, columnSpacing);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.HighBit, VR.US, 15);
        ds.setInt(Tag.PixelRepresentation, VR.US, 1);
        ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
        ds.setString(Tag.RescaleSlope, VR.DS, "1");
        byte[] px = new byte[stored.length * 2];
        for (int i = 0; i < stored.length; i++) {
            px[2 * i] = (byte) stored[i];
            px[2 * i + 1] = (byte) (stored[i] >> 8);
        }
        ds.setBytes(Tag.PixelData, VR.OW, px);
        return ds;
    }

    /** Every pixel the same stored value. */
    public static short[] uniform(int n, int value) {
        short[] s = new short[n];
        java.util.Arrays.fill(s, (short) value);
        return s;
    }
}
