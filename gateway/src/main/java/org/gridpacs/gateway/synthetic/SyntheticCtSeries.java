package org.gridpacs.gateway.synthetic;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.DateTimes;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;

/**
 * Writes a synthetic CT series: a water cylinder with a bone rod and a lung-density insert (or a plain water box,
 * the dosimetry phantom), 12-bit stored values in 16-bit pixels with rescale to Hounsfield units, every attribute
 * the CT Image IOD makes mandatory. Used by tests and benchmarks in place of patient data. The series is centred on
 * x = y = 0; slice k is at z = k x slice thickness.
 */
public final class SyntheticCtSeries {
    /** What the slices show. */
    public enum Body {
        /** A water cylinder (0.84 of the field of view) with a bone rod and a lung insert, a little noise. */
        CYLINDER,
        /** A box of water (0 HU, no noise) of {@link #boxSideMm} across, in air: the dosimetry phantom. */
        WATER_BOX
    }

    private final int rows;
    private final int columns;
    private final double pixelSpacingMm;
    private final double sliceThicknessMm;
    private final Body body;
    private final double boxSideMm;

    public SyntheticCtSeries(int rows, int columns, double pixelSpacingMm, double sliceThicknessMm) {
        this(rows, columns, pixelSpacingMm, sliceThicknessMm, Body.CYLINDER, 0);
    }

    private SyntheticCtSeries(int rows, int columns, double pixelSpacingMm, double sliceThicknessMm, Body body,
                              double boxSideMm) {
        this.rows = rows;
        this.columns = columns;
        this.pixelSpacingMm = pixelSpacingMm;
        this.sliceThicknessMm = sliceThicknessMm;
        this.body = body;
        this.boxSideMm = boxSideMm;
    }

    /**
     * A water box {@code sideMm} across (x and y) filling every slice, in air: n x n pixels of {@code spacingMm},
     * slices {@code sliceMm} apart. Its anterior surface (the skin of a gantry-0 beam) is at y = -sideMm / 2.
     */
    public static SyntheticCtSeries waterBox(int n, double spacingMm, double sliceMm, double sideMm) {
        return new SyntheticCtSeries(n, n, spacingMm, sliceMm, Body.WATER_BOX, sideMm);
    }

    /** The usual 512 x 512 CT slice, 0.98 mm pixels, 3 mm slices. */
    public static SyntheticCtSeries standard() {
        return new SyntheticCtSeries(512, 512, 0.9765625, 3.0);
    }

    /** Writes {@code slices} Part 10 files (Explicit VR Little Endian) into {@code dir}; returns the Study Instance UID. */
    public String write(Path dir, int slices, String patientID, String patientName) throws IOException {
        Files.createDirectories(dir);
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        String frameOfReference = Implementation.newUID();
        byte[] pixels = new byte[rows * columns * 2];
        for (int i = 0; i < slices; i++) {
            DataSet ds = header(study, series, frameOfReference, patientID, patientName, i);
            fillPixels(pixels, i);
            ds.setBytes(Tag.PixelData, VR.OW, pixels);
            String sop = ds.getString(Tag.SOPInstanceUID);
            Path file = dir.resolve(String.format("CT%04d.dcm", i + 1));
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
                 DicomOutputStream dos = new DicomOutputStream(os)) {
                dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage, sop,
                        UID.ExplicitVRLittleEndian, null));
                dos.writeDataSet(ds);
            }
        }
        return study;
    }

    private DataSet header(String study, String series, String frameOfReference, String patientID,
                           String patientName, int index) {
        DataSet ds = new DataSet();
        String today = DateTimes.formatDate(LocalDate.now());
        String now = DateTimes.formatTime(LocalTime.now().withNano(0));
        ds.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ds.setString(Tag.ImageType, VR.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, Implementation.newUID());
        ds.setString(Tag.StudyDate, VR.DA, today);
        ds.setString(Tag.ContentDate, VR.DA, today);
        ds.setString(Tag.StudyTime, VR.TM, now);
        ds.setString(Tag.ContentTime, VR.TM, now);
        ds.setString(Tag.AccessionNumber, VR.SH, patientID);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setString(Tag.Manufacturer, VR.LO, "GridPACS synthetic phantom");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "");
        ds.setString(Tag.StudyDescription, VR.LO, "Synthetic CT phantom");
        ds.setString(Tag.SeriesDescription, VR.LO, body == Body.WATER_BOX
                ? String.format(java.util.Locale.ROOT, "Water box %.0f mm", boxSideMm)
                : "Water cylinder with bone and lung inserts");
        ds.setString(Tag.PatientName, VR.PN, patientName);
        ds.setString(Tag.PatientID, VR.LO, patientID);
        ds.setString(Tag.PatientBirthDate, VR.DA, "19700101");
        ds.setString(Tag.PatientSex, VR.CS, "O");
        ds.setString(Tag.BodyPartExamined, VR.CS, "PELVIS");
        ds.setDouble(Tag.SliceThickness, VR.DS, sliceThicknessMm);
        ds.setString(Tag.KVP, VR.DS, "120");
        ds.setString(Tag.PatientPosition, VR.CS, "HFS");
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.StudyID, VR.SH, "1");
        ds.setInt(Tag.SeriesNumber, VR.IS, 1);
        ds.setInt(Tag.InstanceNumber, VR.IS, index + 1);
        double halfWidth = (columns - 1) * pixelSpacingMm / 2;
        ds.setDouble(Tag.ImagePositionPatient, VR.DS, -halfWidth, -halfWidth, index * sliceThicknessMm);
        ds.setDouble(Tag.ImageOrientationPatient, VR.DS, 1, 0, 0, 0, 1, 0);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, frameOfReference);
        ds.setString(Tag.PositionReferenceIndicator, VR.LO, "");
        ds.setDouble(Tag.SliceLocation, VR.DS, index * sliceThicknessMm);
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.Rows, VR.US, rows);
        ds.setInt(Tag.Columns, VR.US, columns);
        ds.setDouble(Tag.PixelSpacing, VR.DS, pixelSpacingMm, pixelSpacingMm);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 12);
        ds.setInt(Tag.HighBit, VR.US, 11);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        ds.setString(Tag.WindowCenter, VR.DS, "40");
        ds.setString(Tag.WindowWidth, VR.DS, "400");
        ds.setString(Tag.RescaleIntercept, VR.DS, "-1024");
        ds.setString(Tag.RescaleSlope, VR.DS, "1");
        ds.setString(Tag.RescaleType, VR.LO, "HU");
        return ds;
    }

    /** Stored values: HU + 1024. */
    private void fillPixels(byte[] pixels, int slice) {
        if (body == Body.WATER_BOX) {
            double half = boxSideMm / 2;
            double x0 = -(columns - 1) * pixelSpacingMm / 2;
            double y0 = -(rows - 1) * pixelSpacingMm / 2;
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < columns; x++) {
                    boolean water = Math.abs(x0 + x * pixelSpacingMm) < half && Math.abs(y0 + y * pixelSpacingMm) < half;
                    LittleEndian.put16(pixels, (y * columns + x) * 2, (water ? 0 : -1000) + 1024);
                }
            }
            return;
        }
        fillCylinder(pixels, slice);
    }

    /** Air -1000, water 0, lung -700, bone +1000 HU, a little deterministic noise. */
    private void fillCylinder(byte[] pixels, int slice) {
        double cx = columns / 2.0;
        double cy = rows / 2.0;
        double radius = Math.min(rows, columns) * 0.42;
        long seed = 0x9E3779B97F4A7C15L * (slice + 1);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                double dx = x - cx;
                double dy = y - cy;
                int hu;
                if (dx * dx + dy * dy > radius * radius) {
                    hu = -1000;
                } else if ((dx - radius / 2) * (dx - radius / 2) + dy * dy < (radius / 6) * (radius / 6)) {
                    hu = 1000;
                } else if ((dx + radius / 2) * (dx + radius / 2) + dy * dy < (radius / 5) * (radius / 5)) {
                    hu = -700;
                } else {
                    hu = 0;
                }
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                hu += (int) ((seed >>> 60) - 8);
                LittleEndian.put16(pixels, (y * columns + x) * 2, hu + 1024);
            }
        }
    }

    /** {@code SyntheticCtSeries DIR [SLICES]}: writes a 512 x 512 series (300 slices by default). */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: SyntheticCtSeries DIR [SLICES]");
            System.exit(2);
        }
        int slices = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        String study = standard().write(Path.of(args[0]), slices, "SYN0001", "Phantom^Water");
        System.out.println("wrote " + slices + " CT slices of study " + study + " to " + args[0]);
    }
}
