package org.gridpacs.web.viewer;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/**
 * A small study for the viewer: a CT series (SLICES axial slices of SIZE x SIZE, 4 mm voxels: air, a water ellipse,
 * a bone disc) and optionally an RT Dose over it, on the same Frame of Reference and the same grid (first
 * ImagePositionPatient of the CT, GridFrameOffsetVector 0, 4, 8, ... mm), 16-bit with DoseGridScaling 0.001 Gy: a
 * Gaussian dose of 60 Gy at the centre, which OHIF's Isodose colour map shows green to red.
 */
final class CtWithDose {
    static final int SIZE = 64;
    static final int SLICES = 20;
    static final double SPACING = 4.0;
    static final double ORIGIN = -(SIZE - 1) * SPACING / 2;

    final String patientName;
    final String patientId;
    final String study = Implementation.newUID();
    final String ctSeries = Implementation.newUID();
    final String doseSeries = Implementation.newUID();
    final String frameOfReference = Implementation.newUID();

    CtWithDose(String patientName, String patientId) {
        this.patientName = patientName;
        this.patientId = patientId;
    }

    List<DataSet> ct() {
        List<DataSet> slices = new ArrayList<>();
        for (int k = 0; k < SLICES; k++) {
            DataSet ds = common(UID.CTImageStorage, "CT", ctSeries, 1);
            ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
            ds.setString(Tag.SeriesDescription, VR.LO, "Synthetic CT");
            ds.setInt(Tag.InstanceNumber, VR.IS, k + 1);
            ds.setDouble(Tag.ImagePositionPatient, VR.DS, ORIGIN, ORIGIN, k * SPACING);
            ds.setDouble(Tag.SliceLocation, VR.DS, k * SPACING);
            ds.setDouble(Tag.SliceThickness, VR.DS, SPACING);
            ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
            ds.setString(Tag.RescaleSlope, VR.DS, "1");
            ds.setString(Tag.RescaleType, VR.LO, "HU");
            ds.setString(Tag.WindowCenter, VR.DS, "40");
            ds.setString(Tag.WindowWidth, VR.DS, "400");
            ds.setInt(Tag.BitsStored, VR.US, 12);
            ds.setInt(Tag.HighBit, VR.US, 11);
            byte[] pixels = new byte[SIZE * SIZE * 2];
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double ex = (x - SIZE / 2.0) / (SIZE * 0.42), ey = (y - SIZE / 2.0) / (SIZE * 0.32);
                    double bx = x - SIZE * 0.3, by = y - SIZE * 0.5;
                    int hu = bx * bx + by * by < 36 ? 1000 : ex * ex + ey * ey < 1 ? (x + y) % 7 * 10 : -1000;
                    int v = hu + 1024;
                    pixels[2 * (y * SIZE + x)] = (byte) v;
                    pixels[2 * (y * SIZE + x) + 1] = (byte) (v >> 8);
                }
            }
            ds.setBytes(Tag.PixelData, VR.OW, pixels);
            slices.add(ds);
        }
        return slices;
    }

    DataSet dose() {
        DataSet ds = common(UID.RTDoseStorage, "RTDOSE", doseSeries, 2);
        ds.setString(Tag.SeriesDescription, VR.LO, "Synthetic dose");
        ds.setInt(Tag.InstanceNumber, VR.IS, 1);
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, ORIGIN, ORIGIN, 0);
        ds.setDouble(Tag.SliceThickness, VR.DS, SPACING);
        ds.setInt(Tag.NumberOfFrames, VR.IS, SLICES);
        ds.setInt(Tag.FrameIncrementPointer, VR.AT, Tag.GridFrameOffsetVector);
        double[] offsets = new double[SLICES];
        for (int k = 0; k < SLICES; k++) {
            offsets[k] = k * SPACING;
        }
        ds.setDouble(Tag.GridFrameOffsetVector, VR.DS, offsets);
        ds.setString(Tag.DoseUnits, VR.CS, "GY");
        ds.setString(Tag.DoseType, VR.CS, "PHYSICAL");
        ds.setString(Tag.DoseSummationType, VR.CS, "PLAN");
        ds.setString(Tag.DoseGridScaling, VR.DS, "0.001");
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.HighBit, VR.US, 15);
        byte[] pixels = new byte[SIZE * SIZE * SLICES * 2];
        int i = 0;
        for (int k = 0; k < SLICES; k++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    double dx = x - SIZE / 2.0, dy = y - SIZE / 2.0, dz = k - SLICES / 2.0;
                    int v = (int) Math.round(60000 * Math.exp(-(dx * dx + dy * dy) / (2 * 12.0 * 12.0)
                            - dz * dz / (2 * 5.0 * 5.0)));
                    pixels[i++] = (byte) v;
                    pixels[i++] = (byte) (v >> 8);
                }
            }
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    private DataSet common(String sopClass, String modality, String series, int seriesNumber) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ds.setString(Tag.SOPClassUID, VR.UI, sopClass);
        ds.setString(Tag.SOPInstanceUID, VR.UI, Implementation.newUID());
        ds.setString(Tag.StudyDate, VR.DA, "20261201");
        ds.setString(Tag.StudyTime, VR.TM, "093000");
        ds.setString(Tag.AccessionNumber, VR.SH, "ACC" + patientId);
        ds.setString(Tag.Modality, VR.CS, modality);
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "");
        ds.setString(Tag.StudyDescription, VR.LO, "Viewer test " + patientId);
        ds.setString(Tag.PatientName, VR.PN, patientName);
        ds.setString(Tag.PatientID, VR.LO, patientId);
        ds.setString(Tag.PatientBirthDate, VR.DA, "19600101");
        ds.setString(Tag.PatientSex, VR.CS, "O");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.StudyID, VR.SH, "1");
        ds.setInt(Tag.SeriesNumber, VR.IS, seriesNumber);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, frameOfReference);
        ds.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setDouble(Tag.PixelSpacing, VR.DS, SPACING, SPACING);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, SIZE);
        ds.setInt(Tag.Columns, VR.US, SIZE);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        return ds;
    }
}
