package org.gridpacs.dose.dicom;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Numbers;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.engine.DoseResult;

/**
 * Dose result -> RT Dose (PS3.3 A.18) in the CT's study and Frame of Reference: a new series (Modality RTDOSE), the
 * CT's Patient and General Study attributes, a 3D multi-frame grid (Image Position (Patient) = centre of the first
 * voxel, orientation 1\0\0\0\1\0, relative Grid Frame Offset Vector starting at 0, Frame Increment Pointer to it),
 * Dose Units GY, Dose Summation Type PLAN referencing the plan, Dose Grid Scaling.
 *
 * <p>The uncertainty object (Dose Type ERROR) holds the absolute standard uncertainty in Gy (dose x relative
 * uncertainty) on the same grid. PS3.3 C.8.8.3.4.6 makes Pixel Representation 1 (two's complement) the only value for
 * Dose Type ERROR, so it is written signed: 16 bits give 32767 steps (15 bits of resolution) instead of 65535, which
 * is ample for an uncertainty.
 *
 * <p>Everything comes from the inputs and {@link DerivedIds} (no clock, no random UID), so the same input gives the
 * same bytes.
 */
public final class RtDoseWriter {
    static final String MANUFACTURER = "GridPACS";
    static final String MODEL = "GridPACS dose service (Monte Carlo)";
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT);

    private RtDoseWriter() {
    }

    /**
     * @return the RT Dose (Dose Type PHYSICAL, Summation PLAN, referencing the plan), then, if the options ask for it,
     *         the uncertainty as an RT Dose with Dose Type ERROR; UIDs and times from {@code ids}
     */
    public static List<DataSet> write(DoseResult result, CtSeries ct, String planSopInstanceUid, DerivedIds ids,
                                      RtDoseOptions options) {
        DoseGrid grid = DoseGrid.of(result, options.gridMm(), options.errorDose());
        List<DataSet> out = new ArrayList<>(2);
        String comment = String.format(Locale.ROOT, "Monte Carlo, %d histories, mean uncertainty %.2f%%",
                result.histories(), 100 * result.meanUncertainty());
        out.add(object(grid, grid.dose(), false, ct, planSopInstanceUid, ids, options, ids.doseSopInstanceUid(), 1,
                "PHYSICAL", comment));
        if (options.errorDose()) {
            out.add(object(grid, grid.error(), true, ct, planSopInstanceUid, ids, options, ids.errorSopInstanceUid(), 2,
                    "ERROR", "1 sigma uncertainty (Gy) of instance 1 of this series"));
        }
        return out;
    }

    private static DataSet object(DoseGrid grid, float[] values, boolean signed, CtSeries ct, String plan,
                                  DerivedIds ids, RtDoseOptions options, String sopInstanceUid, int instanceNumber,
                                  String doseType, String comment) {
        DataSet ds = new DataSet();
        // Patient, General Study (with the CT's Specific Character Set, set first so text is encoded with it)
        ds.addAll(ct.patientAndStudy());
        String date = DA.format(ids.created());
        String time = TM.format(ids.created());
        // SOP Common
        ds.setString(Tag.SOPClassUID, VR.UI, UID.RTDoseStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sopInstanceUid);
        ds.setString(Tag.InstanceCreationDate, VR.DA, date);
        ds.setString(Tag.InstanceCreationTime, VR.TM, time);
        // RT Series
        ds.setString(Tag.Modality, VR.CS, "RTDOSE");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, ids.doseSeriesUid());
        ds.setNull(Tag.SeriesNumber, VR.IS);
        ds.setString(Tag.SeriesDescription, VR.LO, "Monte Carlo dose");
        ds.setNull(Tag.OperatorsName, VR.PN);
        // Frame of Reference: the CT's
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, ct.frameOfReferenceUid());
        ds.setNull(Tag.PositionReferenceIndicator, VR.LO);
        // General Equipment
        ds.setString(Tag.Manufacturer, VR.LO, MANUFACTURER);
        ds.setString(Tag.ManufacturerModelName, VR.LO, MODEL);
        // General Image
        ds.setInt(Tag.InstanceNumber, VR.IS, instanceNumber);
        ds.setString(Tag.ContentDate, VR.DA, date);
        ds.setString(Tag.ContentTime, VR.TM, time);
        // Image Plane
        ds.setDouble(Tag.PixelSpacing, VR.DS, grid.dy(), grid.dx());
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, grid.x0(), grid.y0(), grid.z0());
        ds.setDouble(Tag.SliceThickness, VR.DS, grid.dz());
        // Image Pixel and Multi-frame
        int bits = options.bitsAllocated();
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, grid.ny());
        ds.setInt(Tag.Columns, VR.US, grid.nx());
        ds.setInt(Tag.BitsAllocated, VR.US, bits);
        ds.setInt(Tag.BitsStored, VR.US, bits);
        ds.setInt(Tag.HighBit, VR.US, bits - 1);
        ds.setInt(Tag.PixelRepresentation, VR.US, signed ? 1 : 0);
        ds.setInt(Tag.NumberOfFrames, VR.IS, grid.nz());
        ds.setInt(Tag.FrameIncrementPointer, VR.AT, Tag.GridFrameOffsetVector);
        // RT Dose
        ds.setString(Tag.DoseUnits, VR.CS, "GY");
        ds.setString(Tag.DoseType, VR.CS, doseType);
        ds.setString(Tag.DoseComment, VR.LO, comment); // LO: at most 64 characters
        ds.setString(Tag.DoseSummationType, VR.CS, "PLAN");
        double[] offsets = new double[grid.nz()];
        for (int k = 0; k < offsets.length; k++) {
            offsets[k] = k * grid.dz(); // relative (C.8.8.3.2 option a), first value 0
        }
        ds.setDouble(Tag.GridFrameOffsetVector, VR.DS, offsets);
        double maxStored = signed ? (bits == 16 ? Short.MAX_VALUE : Integer.MAX_VALUE)
                : (bits == 16 ? 65535.0 : 4294967295.0);
        double scaling = scaling(values, maxStored);
        ds.setString(Tag.DoseGridScaling, VR.DS, Numbers.formatDS(scaling));
        ds.setString(Tag.TissueHeterogeneityCorrection, VR.CS, "IMAGE");
        DataSet ref = ds.newSequence(Tag.ReferencedRTPlanSequence).addItem();
        ref.setString(Tag.ReferencedSOPClassUID, VR.UI, UID.RTPlanStorage);
        ref.setString(Tag.ReferencedSOPInstanceUID, VR.UI, plan);
        ds.setBytes(Tag.PixelData, VR.OW, pixels(values, scaling, bits, maxStored));
        return ds;
    }

    /** Gy per stored step: the maximum over the largest stored value, as written (a DS of at most 16 characters). */
    static double scaling(float[] values, double maxStored) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        if (max <= 0) {
            return 1;
        }
        return Numbers.parseDS(Numbers.formatDS(max / maxStored));
    }

    private static byte[] pixels(float[] values, double scaling, int bits, double maxStored) {
        int width = bits / 8;
        byte[] b = new byte[values.length * width];
        for (int i = 0; i < values.length; i++) {
            long v = Math.round(Math.max(0, values[i]) / scaling);
            v = Math.min(v, (long) maxStored); // the DS rounding of the scaling may push the maximum a step over
            if (width == 2) {
                LittleEndian.put16(b, 2 * i, (int) v);
            } else {
                LittleEndian.put32(b, 4 * i, (int) v);
            }
        }
        return b;
    }
}
