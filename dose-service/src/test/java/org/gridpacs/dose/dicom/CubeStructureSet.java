package org.gridpacs.dose.dicom;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.phantom.Phantom;

/**
 * An RT Structure Set with one box ROI on the CT's Frame of Reference: a square contour on each CT plane from iz0 to
 * iz1, its edges on voxel boundaries (midway between pixel centres), so it holds exactly the voxels ix0..ix1 x
 * iy0..iy1 of those planes.
 */
final class CubeStructureSet {
    private CubeStructureSet() {
    }

    static DataSet of(CtSeries ct, int ix0, int ix1, int iy0, int iy1, int iz0, int iz1) {
        Phantom p = ct.phantom();
        DataSet ds = new DataSet();
        ds.addAll(ct.patientAndStudy());
        ds.setString(Tag.SOPClassUID, VR.UI, UID.RTStructureSetStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.543.20");
        ds.setString(Tag.Modality, VR.CS, "RTSTRUCT");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.543.21");
        ds.setString(Tag.StructureSetLabel, VR.SH, "Box");
        ds.setString(Tag.StructureSetDate, VR.DA, "20261206");
        ds.setString(Tag.StructureSetTime, VR.TM, "101500");
        DataSet roi = ds.newSequence(Tag.StructureSetROISequence).addItem();
        roi.setInt(Tag.ROINumber, VR.IS, 1);
        roi.setString(Tag.ReferencedFrameOfReferenceUID, VR.UI, ct.frameOfReferenceUid());
        roi.setString(Tag.ROIName, VR.LO, "Box");
        roi.setString(Tag.ROIGenerationAlgorithm, VR.CS, "MANUAL");
        DataSet contours = ds.newSequence(Tag.ROIContourSequence).addItem();
        contours.setInt(Tag.ReferencedROINumber, VR.IS, 1);
        contours.setInt(Tag.ROIDisplayColor, VR.IS, 255, 0, 0);
        Sequence planes = contours.newSequence(Tag.ContourSequence);
        double xa = p.x0 * 10 + ix0 * p.dx * 10;
        double xb = p.x0 * 10 + (ix1 + 1) * p.dx * 10;
        double ya = p.y0 * 10 + iy0 * p.dy * 10;
        double yb = p.y0 * 10 + (iy1 + 1) * p.dy * 10;
        for (int iz = iz0; iz <= iz1; iz++) {
            double z = p.centreZ(iz) * 10;
            DataSet c = planes.addItem();
            c.setString(Tag.ContourGeometricType, VR.CS, "CLOSED_PLANAR");
            c.setInt(Tag.NumberOfContourPoints, VR.IS, 4);
            c.setDouble(Tag.ContourData, VR.DS, xa, ya, z, xb, ya, z, xb, yb, z, xa, yb, z);
        }
        DataSet obs = ds.newSequence(Tag.RTROIObservationsSequence).addItem();
        obs.setInt(Tag.ObservationNumber, VR.IS, 1);
        obs.setInt(Tag.ReferencedROINumber, VR.IS, 1);
        obs.setString(Tag.RTROIInterpretedType, VR.CS, "ORGAN");
        obs.setNull(Tag.ROIInterpreter, VR.PN);
        return ds;
    }

    /** The voxels the box holds. */
    static List<Integer> voxels(Phantom p, int ix0, int ix1, int iy0, int iy1, int iz0, int iz1) {
        List<Integer> out = new ArrayList<>();
        for (int iz = iz0; iz <= iz1; iz++) {
            for (int iy = iy0; iy <= iy1; iy++) {
                for (int ix = ix0; ix <= ix1; ix++) {
                    out.add(p.index(ix, iy, iz));
                }
            }
        }
        return out;
    }
}
