package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.junit.jupiter.api.Test;

/** CT slices -> phantom: order, rescale, geometry, pixel decoding, and every refusal with its message. */
class CtSeriesReaderTest {
    private final HuCalibration calibration = HuCalibration.fourMedium();

    private static DataSet slice(int number, double z) {
        return SyntheticCt.slice(number, 2, 3, 2.0, 1.0, -10, -20, z, SyntheticCt.uniform(6, 1024));
    }

    @Test
    void slicesInAnyOrderRescaledPerSliceAndPlaced() throws Exception {
        CtSeriesReader reader = new CtSeriesReader(calibration);
        int[] order = {2, 0, 1};
        for (int z : order) {
            short[] px = SyntheticCt.uniform(6, 1024);
            DataSet s = SyntheticCt.slice(z + 1, 2, 3, 2.0, 1.0, -10, -20, 5 + 2.5 * z, px);
            if (z == 0) {
                px[0] = 24; // -1000 HU: air
                s = SyntheticCt.slice(z + 1, 2, 3, 2.0, 1.0, -10, -20, 5 + 2.5 * z, px);
            }
            if (z == 2) {
                // same HU (0) through another rescale: stored 2048, slope 0.5, intercept -1024
                s = SyntheticCt.slice(z + 1, 2, 3, 2.0, 1.0, -10, -20, 5 + 2.5 * z, SyntheticCt.uniform(6, 2048));
                s.setString(Tag.RescaleSlope, VR.DS, "0.5");
            }
            reader.add(s);
        }
        CtSeries ct = reader.build();
        Phantom p = ct.phantom();
        assertEquals(3, p.nx);
        assertEquals(2, p.ny);
        assertEquals(3, p.nz);
        assertEquals(0.1, p.dx, 1e-12);
        assertEquals(0.2, p.dy, 1e-12);
        assertEquals(0.25, p.dz, 1e-12);
        assertEquals(-1.05, p.x0, 1e-12);
        assertEquals(-2.1, p.y0, 1e-12);
        assertEquals(0.5 - 0.125, p.z0, 1e-12);
        assertEquals(Media.AIR, p.material[p.index(0, 0, 0)]);
        assertEquals(Media.SOFT_TISSUE, p.material[p.index(1, 0, 0)]);
        assertEquals(calibration.density(0), p.density[p.index(2, 1, 2)], 0);
        assertEquals(calibration.density(0), p.density[p.index(2, 1, 1)], 0);
        assertEquals(SyntheticCt.STUDY, ct.studyInstanceUid());
        assertEquals(SyntheticCt.SERIES, ct.seriesInstanceUid());
        assertEquals(SyntheticCt.FRAME_OF_REFERENCE, ct.frameOfReferenceUid());
        DataSet ps = ct.patientAndStudy();
        assertEquals("Phantom^Wäter", ps.getString(Tag.PatientName));
        assertEquals("Müller^Hans", ps.getString(Tag.ReferringPhysicianName));
        assertEquals("ISO_IR 100", ps.getString(Tag.SpecificCharacterSet));
        assertEquals("A123", ps.getString(Tag.AccessionNumber));
        assertEquals(SyntheticCt.STUDY, ps.getString(Tag.StudyInstanceUID));
        assertTrue(!ps.contains(Tag.SeriesInstanceUID) && !ps.contains(Tag.PixelData) && !ps.contains(Tag.Modality));
    }

    @Test
    void unsignedTwelveBitsMaskedAndFeetFirstMirrored() throws Exception {
        CtSeriesReader reader = new CtSeriesReader(calibration);
        for (int k = 0; k < 2; k++) {
            // stored 0xF018: bits above Bits Stored 12 are garbage; 0x018 = 24 -> -1000 HU (air)
            short[] px = SyntheticCt.uniform(6, 1024);
            px[0] = (short) 0xF018;
            DataSet s = SyntheticCt.slice(k + 1, 2, 3, 2.0, 1.0, 10, 20, 3.0 * k, px);
            s.setInt(Tag.PixelRepresentation, VR.US, 0);
            s.setInt(Tag.BitsStored, VR.US, 12);
            s.setInt(Tag.HighBit, VR.US, 11);
            // feet first prone: rows along -x, columns along -y; the first pixel is at the (+x, +y) corner
            s.setDouble(Tag.ImageOrientationPatient, VR.DS, -1, 0, 0, 0, -1, 0);
            reader.add(s);
        }
        Phantom p = reader.build().phantom();
        // x runs from 10 - 2 * 1.0 to 10 mm, y from 20 - 1 * 2.0 to 20 mm
        assertEquals(0.8 - 0.05, p.x0, 1e-12);
        assertEquals(1.8 - 0.1, p.y0, 1e-12);
        assertEquals(Media.AIR, p.material[p.index(2, 1, 0)]);
        assertEquals(Media.SOFT_TISSUE, p.material[p.index(0, 0, 0)]);
        assertEquals(Media.AIR, p.material[p.index(2, 1, 1)]);
    }

    @Test
    void realSlicesFromCtSmall() throws Exception {
        DataSet ct = read(TestData.pydicomFile("CT_small.dcm"));
        CtSeriesReader reader = new CtSeriesReader(calibration);
        double z = ct.getDoubles(Tag.ImagePositionPatient)[2];
        for (int k = 0; k < 3; k++) {
            DataSet s = ct.copy();
            double[] ipp = ct.getDoubles(Tag.ImagePositionPatient);
            s.setDouble(Tag.ImagePositionPatient, VR.DS, ipp[0], ipp[1], z - 5 * k);
            s.setString(Tag.SOPInstanceUID, VR.UI, ct.getString(Tag.SOPInstanceUID) + "." + k);
            reader.add(s, "1.2.840.10008.1.2.1");
        }
        Phantom p = reader.build().phantom();
        assertEquals(128, p.nx);
        assertEquals(0.5, p.dz, 1e-9);
        // CT_small: stored values 128..2191, slope 1, intercept -1024: no voxel denser than the ramp's 1167 HU
        assertEquals(calibration.density(2191 - 1024), max(p.density), 1e-6);
    }

    private static float max(float[] a) {
        float m = 0;
        for (float f : a) {
            m = Math.max(m, f);
        }
        return m;
    }

    static DataSet read(Path file) throws Exception {
        try (InputStream raw = Files.newInputStream(file); DicomInputStream in = new DicomInputStream(raw)) {
            in.readFileMetaInformation();
            return in.readDataSet();
        }
    }

    // ------------------------------------------------------------------ refusals

    private static String refusal(DataSet... slices) {
        CtSeriesReader reader = new CtSeriesReader(HuCalibration.fourMedium());
        return assertThrows(DoseInputException.class, () -> {
            for (DataSet s : slices) {
                reader.add(s);
            }
            reader.build();
        }).getMessage();
    }

    @Test
    void refusesWhatIsNotCt() throws Exception {
        DataSet mr = read(TestData.pydicomFile("MR_small.dcm"));
        assertTrue(refusal(mr).contains("is a MR Image Storage (modality MR), not a CT Image Storage object"),
                refusal(mr));
        DataSet s = slice(1, 0);
        s.setString(Tag.Modality, VR.CS, "PT");
        assertTrue(refusal(s).endsWith("has modality PT, not CT"), refusal(s));
    }

    @Test
    void refusesMixedSeriesAndFramesOfReference() {
        DataSet other = slice(2, 3);
        other.setString(Tag.SeriesInstanceUID, VR.UI, "1.2.3.4");
        assertEquals("CT slice 2 (" + SyntheticCt.SERIES + ".2) belongs to series 1.2.3.4, not to the series being read ("
                + SyntheticCt.SERIES + ")", refusal(slice(1, 0), other));
        DataSet mixed = slice(2, 3);
        mixed.setString(Tag.FrameOfReferenceUID, VR.UI, "1.2.3.5");
        assertTrue(refusal(slice(1, 0), mixed).contains("mixed Frames of Reference in one series (1.2.3.5 and "),
                refusal(slice(1, 0), mixed));
    }

    @Test
    void refusesNonAxialOrientationNamingIt() {
        DataSet oblique = slice(1, 0);
        oblique.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 0.9, 0.436);
        assertTrue(refusal(oblique).contains("orientation oblique (nearest axial, 25.84 degrees off) is not axial "
                + "(Image Orientation (Patient) 1.0\\0.0\\0.0\\0.0\\0.9\\0.436)"), refusal(oblique));
        DataSet sagittal = slice(1, 0);
        sagittal.setDouble(Tag.ImageOrientationPatient, VR.DS, 0, 1, 0, 0, 0, -1);
        assertTrue(refusal(sagittal).contains("orientation sagittal is not axial"), refusal(sagittal));
    }

    @Test
    void refusesGantryTilt() {
        DataSet tilted = slice(1, 0);
        tilted.setString(Tag.GantryDetectorTilt, VR.DS, "12");
        assertTrue(refusal(tilted).contains(": gantry tilt of 12.0 degrees"), refusal(tilted));
        // no tilt attribute, but each slice origin moves 1.5 mm in y per 2.5 mm in z: a 31 degree tilt
        DataSet a = SyntheticCt.slice(1, 2, 3, 2.0, 1.0, 0, 0, 0, SyntheticCt.uniform(6, 1024));
        DataSet b = SyntheticCt.slice(2, 2, 3, 2.0, 1.0, 0, 1.5, 2.5, SyntheticCt.uniform(6, 1024));
        assertEquals("slice origins shift by 1.5 mm over 2.5 mm in z (from z = 0.0 to z = 2.5 mm): a gantry tilt of "
                + "30.96 degrees or a sheared series; the dose grid needs untilted axial slices", refusal(a, b));
    }

    @Test
    void refusesMissingUnevenAndDuplicateSlices() {
        assertEquals("slice missing between z = 6.0 and z = 12.0 mm (gap 6.0 mm, slices 3.0 mm apart elsewhere)",
                refusal(slice(1, 0), slice(2, 3), slice(3, 6), slice(4, 12), slice(5, 15)));
        assertEquals("uneven slice spacing: 3.5 mm between z = 6.0 and z = 9.5 mm, 3.0 mm elsewhere (tolerance 0.03 mm)",
                refusal(slice(1, 0), slice(2, 3), slice(3, 6), slice(4, 9.5), slice(5, 12.5), slice(6, 15.5)));
        assertTrue(refusal(slice(1, 0), slice(2, 3), slice(3, 3)).startsWith("two slices at z = 3.0 mm: CT slice "),
                refusal(slice(1, 0), slice(2, 3), slice(3, 3)));
        // DS rounding of positions (0.001 mm) is not unevenness
        CtSeriesReader ok = new CtSeriesReader(HuCalibration.fourMedium());
        try {
            ok.add(slice(1, 0));
            ok.add(slice(2, 3.001));
            ok.add(slice(3, 5.999));
            assertEquals(0.29995, ok.build().phantom().dz, 1e-9);
        } catch (DoseInputException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void refusesDifferentMatrixOrSpacingAndTooFewSlices() {
        DataSet bigger = SyntheticCt.slice(2, 3, 3, 2.0, 1.0, -10, -20, 3, SyntheticCt.uniform(9, 1024));
        assertEquals("CT slice 2 (" + SyntheticCt.SERIES + ".2) is 3 x 3 pixels, the other slices 3 x 2",
                refusal(slice(1, 0), bigger));
        DataSet finer = SyntheticCt.slice(2, 2, 3, 1.5, 1.0, -10, -20, 3, SyntheticCt.uniform(6, 1024));
        assertTrue(refusal(slice(1, 0), finer).endsWith("has Pixel Spacing 1.5\\1.0 mm, the other slices 2.0\\1.0 mm"),
                refusal(slice(1, 0), finer));
        assertEquals("a CT series needs at least 2 slices to make a dose grid, 1 was given", refusal(slice(1, 0)));
    }

    @Test
    void refusesJpeg2000ByName() {
        DataSet s = slice(1, 0);
        Fragments f = new Fragments(VR.OB);
        f.add(new byte[0]);
        f.add(new byte[] {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51, 0, 0});
        s.setValue(Tag.PixelData, VR.OB, f);
        assertEquals("CT slice 1 (" + SyntheticCt.SERIES + ".1): transfer syntax JPEG 2000 Image Compression "
                + "(1.2.840.10008.1.2.4.91) is not decoded; send it uncompressed, RLE or JPEG lossless", refusal(s));
        CtSeriesReader reader = new CtSeriesReader(HuCalibration.fourMedium());
        DoseInputException e = assertThrows(DoseInputException.class,
                () -> reader.add(s, "1.2.840.10008.1.2.4.80"));
        assertTrue(e.getMessage().endsWith("transfer syntax JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80)"
                + " is not decoded; send it uncompressed, RLE or JPEG lossless"), e.getMessage());
    }
}
