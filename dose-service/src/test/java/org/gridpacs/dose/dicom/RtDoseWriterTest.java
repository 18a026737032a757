package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dose.engine.DoseResult;
import org.gridpacs.dose.phantom.Phantom;
import org.junit.jupiter.api.Test;

/** RT Dose attributes, geometry voxel by voxel, value round trip, coarse grid, uncertainty object, determinism. */
class RtDoseWriterTest {

    @Test
    void attributesOfThePhysicalDose() throws Exception {
        CtSeries ct = DoseFixtures.ct(7, 5, 4);
        List<DataSet> out = RtDoseWriter.write(DoseFixtures.dose(ct.phantom()), ct, DoseFixtures.PLAN,
                DoseFixtures.IDS, RtDoseOptions.DEFAULT);
        assertEquals(2, out.size());
        DataSet ds = out.get(0);
        assertEquals(UID.RTDoseStorage, ds.getString(Tag.SOPClassUID));
        assertEquals(DoseFixtures.IDS.doseSopInstanceUid(), ds.getString(Tag.SOPInstanceUID));
        assertEquals("RTDOSE", ds.getString(Tag.Modality));
        assertEquals(DoseFixtures.IDS.doseSeriesUid(), ds.getString(Tag.SeriesInstanceUID));
        assertEquals(SyntheticCt.STUDY, ds.getString(Tag.StudyInstanceUID));
        assertEquals(SyntheticCt.FRAME_OF_REFERENCE, ds.getString(Tag.FrameOfReferenceUID));
        assertEquals("Phantom^Wäter", ds.getString(Tag.PatientName));
        assertEquals("PH-1", ds.getString(Tag.PatientID));
        assertEquals("ISO_IR 100", ds.getString(Tag.SpecificCharacterSet));
        assertEquals("20261206", ds.getString(Tag.ContentDate));
        assertEquals("101530", ds.getString(Tag.ContentTime));
        assertEquals("20261206", ds.getString(Tag.InstanceCreationDate));
        assertEquals("GY", ds.getString(Tag.DoseUnits));
        assertEquals("PHYSICAL", ds.getString(Tag.DoseType));
        assertEquals("PLAN", ds.getString(Tag.DoseSummationType));
        assertEquals("IMAGE", ds.getString(Tag.TissueHeterogeneityCorrection));
        assertEquals(Tag.GridFrameOffsetVector, ds.getInt(Tag.FrameIncrementPointer, 0));
        DataSet ref = ds.getItem(Tag.ReferencedRTPlanSequence);
        assertEquals(UID.RTPlanStorage, ref.getString(Tag.ReferencedSOPClassUID));
        assertEquals(DoseFixtures.PLAN, ref.getString(Tag.ReferencedSOPInstanceUID));
        assertEquals(1, ds.getSequence(Tag.ReferencedRTPlanSequence).size());
        assertEquals(16, ds.getInt(Tag.BitsAllocated, 0));
        assertEquals(16, ds.getInt(Tag.BitsStored, 0));
        assertEquals(15, ds.getInt(Tag.HighBit, 0));
        assertEquals(0, ds.getInt(Tag.PixelRepresentation, -1));
        assertEquals("MONOCHROME2", ds.getString(Tag.PhotometricInterpretation));
        assertEquals(5, ds.getInt(Tag.Rows, 0));
        assertEquals(7, ds.getInt(Tag.Columns, 0));
        assertEquals(4, ds.getInt(Tag.NumberOfFrames, 0));
        assertEquals(7 * 5 * 4 * 2, ds.getBytes(Tag.PixelData).length);
        assertTrue(ds.getString(Tag.DoseGridScaling).length() <= 16);
        assertTrue(ds.getString(Tag.DoseComment).length() <= 64);
        // the largest dose takes the largest stored value
        long max = 0;
        for (int k = 0; k < 7 * 5 * 4; k++) {
            max = Math.max(max, DoseFixtures.stored(ds, k));
        }
        assertEquals(65535, max);
    }

    @Test
    void geometryAndValuesVoxelByVoxel() throws Exception {
        for (int bits : new int[] {16, 32}) {
            CtSeries ct = DoseFixtures.ct(7, 5, 4);
            Phantom p = ct.phantom();
            DoseResult r = DoseFixtures.dose(p);
            DataSet ds = RtDoseWriter.write(r, ct, DoseFixtures.PLAN, DoseFixtures.IDS,
                    new RtDoseOptions(bits, 0, false)).get(0);
            double[] ipp = ds.getDoubles(Tag.ImagePositionPatient);
            double[] spacing = ds.getDoubles(Tag.PixelSpacing);
            double[] gfov = ds.getDoubles(Tag.GridFrameOffsetVector);
            assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0}, ds.getDoubles(Tag.ImageOrientationPatient));
            assertEquals(0, gfov[0]);
            assertEquals(p.nz, gfov.length);
            // the CT's first pixel is at (-20.5, -31, -12) mm: the dose grid is the CT grid
            assertArrayEquals(new double[] {-20.5, -31, -12}, ipp, 1e-9);
            double scaling = ds.getDouble(Tag.DoseGridScaling, 0);
            for (int iz = 0; iz < p.nz; iz++) {
                for (int iy = 0; iy < p.ny; iy++) {
                    for (int ix = 0; ix < p.nx; ix++) {
                        // PS3.3 C.7.6.2.1.1: column index along the row direction times Pixel Spacing[1] (columns)
                        assertEquals(p.centreX(ix) * 10, ipp[0] + ix * spacing[1], 1e-9);
                        assertEquals(p.centreY(iy) * 10, ipp[1] + iy * spacing[0], 1e-9);
                        assertEquals(p.centreZ(iz) * 10, ipp[2] + gfov[iz], 1e-9);
                        int i = p.index(ix, iy, iz);
                        int frameIndex = iz * p.nx * p.ny + iy * p.nx + ix;
                        assertEquals(r.dose()[i], DoseFixtures.stored(ds, frameIndex) * scaling, scaling / 2 + 1e-6,
                                bits + " bits voxel " + ix + "," + iy + "," + iz);
                    }
                }
            }
        }
    }

    @Test
    void uncertaintyIsASignedErrorDoseInGy() throws Exception {
        CtSeries ct = DoseFixtures.ct(6, 4, 3);
        DoseResult r = DoseFixtures.dose(ct.phantom());
        DataSet err = RtDoseWriter.write(r, ct, DoseFixtures.PLAN, DoseFixtures.IDS, RtDoseOptions.DEFAULT).get(1);
        assertEquals(DoseFixtures.IDS.errorSopInstanceUid(), err.getString(Tag.SOPInstanceUID));
        assertEquals(DoseFixtures.IDS.doseSeriesUid(), err.getString(Tag.SeriesInstanceUID));
        assertEquals("ERROR", err.getString(Tag.DoseType));
        assertEquals("GY", err.getString(Tag.DoseUnits));
        assertEquals(1, err.getInt(Tag.PixelRepresentation, 0)); // PS3.3 C.8.8.3.4.6
        double scaling = err.getDouble(Tag.DoseGridScaling, 0);
        long max = 0;
        for (int i = 0; i < r.dose().length; i++) {
            double sigma = r.dose()[i] * r.uncertainty()[i];
            assertEquals(sigma, DoseFixtures.stored(err, i) * scaling, scaling / 2 + 1e-7);
            max = Math.max(max, DoseFixtures.stored(err, i));
        }
        assertEquals(32767, max);
    }

    @Test
    void coarserGridAveragesTheVoxelsItCovers() throws Exception {
        // CT spacing 1.5 (x) x 2 (y) x 2.5 (z) mm; a 3 mm grid takes pairs in x, keeps... y: 2 mm -> 3 mm cells
        CtSeries ct = DoseFixtures.ct(8, 6, 4);
        Phantom p = ct.phantom();
        DoseResult r = DoseFixtures.dose(p);
        List<DataSet> out = RtDoseWriter.write(r, ct, DoseFixtures.PLAN, DoseFixtures.IDS,
                new RtDoseOptions(16, 3.0, true));
        DataSet ds = out.get(0);
        // x: 8 x 1.5 = 12 mm -> 4 cells; y: centres at 1, 3, ..., 11 mm -> cells 0,1,1,2,3,3 -> 4; z: 4 x 2.5 = 10 mm,
        // centres 1.25, 3.75, 6.25, 8.75 -> cells 0, 1, 2, 2 -> 3
        assertEquals(4, ds.getInt(Tag.Columns, 0));
        assertEquals(4, ds.getInt(Tag.Rows, 0));
        assertEquals(3, ds.getInt(Tag.NumberOfFrames, 0));
        assertArrayEquals(new double[] {3, 3}, ds.getDoubles(Tag.PixelSpacing));
        assertArrayEquals(new double[] {0, 3, 6}, ds.getDoubles(Tag.GridFrameOffsetVector));
        double[] ipp = ds.getDoubles(Tag.ImagePositionPatient);
        // corner of the CT grid + half a 3 mm cell
        assertArrayEquals(new double[] {p.x0 * 10 + 1.5, p.y0 * 10 + 1.5, p.z0 * 10 + 1.5}, ipp, 1e-9);
        double scaling = ds.getDouble(Tag.DoseGridScaling, 0);
        int[][] ys = {{0}, {1, 2}, {3}, {4, 5}};
        int[][] zs = {{0}, {1}, {2, 3}};
        for (int cz = 0; cz < 3; cz++) {
            for (int cy = 0; cy < 4; cy++) {
                for (int cx = 0; cx < 4; cx++) {
                    double sum = 0;
                    int n = 0;
                    for (int iz : zs[cz]) {
                        for (int iy : ys[cy]) {
                            for (int ix = 2 * cx; ix < 2 * cx + 2; ix++) {
                                sum += r.dose()[p.index(ix, iy, iz)];
                                n++;
                            }
                        }
                    }
                    assertEquals(sum / n, DoseFixtures.stored(ds, cz * 16 + cy * 4 + cx) * scaling, scaling / 2 + 1e-6);
                }
            }
        }
        assertEquals(3, out.get(1).getInt(Tag.NumberOfFrames, 0));
    }

    @Test
    void sameInputSameBytes() throws Exception {
        CtSeries ct = DoseFixtures.ct(7, 5, 4);
        DoseResult r = DoseFixtures.dose(ct.phantom());
        List<DataSet> a = RtDoseWriter.write(r, ct, DoseFixtures.PLAN, DoseFixtures.IDS, RtDoseOptions.DEFAULT);
        CtSeries ct2 = DoseFixtures.ct(7, 5, 4);
        List<DataSet> b = RtDoseWriter.write(DoseFixtures.dose(ct2.phantom()), ct2, DoseFixtures.PLAN,
                DoseFixtures.IDS, RtDoseOptions.DEFAULT);
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(DoseFixtures.encode(a.get(k)), DoseFixtures.encode(b.get(k)));
        }
        assertTrue(!a.get(0).getString(Tag.SOPInstanceUID).equals(a.get(1).getString(Tag.SOPInstanceUID)));
    }
}
