package org.gridpacs.dose.jobs;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/** Small CT slices and RT Plans as a scanner and a planning system would send them (only what the archive needs). */
final class TestData {
    static final String PATIENT = "DOSE-1";

    private TestData() {
    }

    static DataSet ct(String study, String series, String frame, int n) {
        DataSet ds = common(study, series, UID.CTImageStorage, "CT", series + "." + (n + 1));
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        ds.setInt(Tag.InstanceNumber, VR.IS, n + 1);
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, 0, 0, 3.0 * n);
        ds.setInt(Tag.Rows, VR.US, 4);
        ds.setInt(Tag.Columns, VR.US, 4);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        byte[] px = new byte[32];
        px[0] = (byte) n;
        ds.setBytes(Tag.PixelData, VR.OW, px);
        return ds;
    }

    static DataSet plan(String study, String planUid, String frame) {
        DataSet ds = common(study, planUid + ".1", UID.RTPlanStorage, "RTPLAN", planUid);
        if (frame != null) {
            ds.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        }
        ds.setString(Tag.RTPlanLabel, VR.SH, "TEST");
        return ds;
    }

    private static DataSet common(String study, String series, String sopClass, String modality, String sop) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, sopClass);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.PatientID, VR.LO, PATIENT);
        ds.setString(Tag.PatientName, VR.PN, "Dose^Test");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.Modality, VR.CS, modality);
        ds.setString(Tag.StudyDate, VR.DA, "20260101");
        return ds;
    }
}
