package org.gridpacs.dose.dicom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.image.FrameDecoder;
import org.gridpacs.dicom.image.GrayscaleSamples;
import org.gridpacs.dicom.image.ImagePixel;
import org.gridpacs.dicom.image.PixelDataException;
import org.gridpacs.dose.phantom.HuCalibration;
import org.gridpacs.dose.phantom.Phantom;

/**
 * CT images (any order) -> {@link CtSeries}. Slices are added one by one and only their decoded pixels and geometry
 * are kept, so a caller can stream a series through it. Each slice is checked as it comes (CT, same series, Frame of
 * Reference, matrix and pixel spacing, axial orientation, no gantry tilt, a transfer syntax we decode); the series as
 * a whole at {@link #build()} (at least 2 slices, no duplicate, missing or unevenly spaced slice, origins that do not
 * shift from slice to slice).
 *
 * <p>Axial slices whose rows run along -x or columns along -y (feet-first or prone scans) are mirrored as they are
 * added, so the phantom always has +x rows and +y columns; voxel (0,0,0) is then the (-x, -y) corner pixel of the
 * lowest slice.
 */
public final class CtSeriesReader {
    /** Direction cosines this close to 0 or 1 count as axis-aligned (about 0.06 degrees). */
    static final double ORIENTATION_TOLERANCE = 1e-3;
    /** Gantry/Detector Tilt below this (degrees) counts as none. */
    static final double TILT_TOLERANCE_DEGREES = 0.01;
    /** Slice origins may wander this much in x/y (mm), or 1% of a pixel, before the series counts as tilted. */
    static final double ORIGIN_TOLERANCE_MM = 0.01;
    /** A gap between slices more than this times the spacing is a missing slice. */
    static final double MISSING_FACTOR = 1.5;
    /** Slice spacing may vary by max(0.02 mm, 1% of the spacing): the DS rounding of positions, not a real gap. */
    static final double SPACING_TOLERANCE_MM = 0.02;
    static final double SPACING_TOLERANCE_FRACTION = 0.01;

    private final HuCalibration calibration;
    private final List<CtSlice> slices = new ArrayList<>();
    private DataSet patientAndStudy;
    private String seriesUid;
    private String studyUid;
    private String frameOfReferenceUid;
    private int rows;
    private int columns;
    private double rowSpacing;
    private double columnSpacing;

    public CtSeriesReader(HuCalibration calibration) {
        this.calibration = calibration;
    }

    /**
     * Adds a slice whose transfer syntax is in its (0002,0010) (a data set read with its meta information merged in)
     * or can be told from its Pixel Data; prefer {@link #add(DataSet, String)} when the transfer syntax is known.
     *
     * @throws DoseInputException if the slice is not a CT image the engine can use (names the problem)
     */
    public void add(DataSet slice) throws DoseInputException {
        String ts;
        try {
            ts = FrameDecoder.transferSyntaxOf(slice);
        } catch (PixelDataException e) {
            throw new DoseInputException(name(slice) + ": " + e.getMessage(), e);
        }
        add(slice, ts);
    }

    /**
     * Adds a slice encoded with the given transfer syntax (the one it was received or stored with).
     *
     * @throws DoseInputException if the slice is not a CT image the engine can use (names the problem)
     */
    public void add(DataSet slice, String transferSyntaxUid) throws DoseInputException {
        String name = name(slice);
        checkCt(slice, name);
        String series = require(slice, Tag.SeriesInstanceUID, "Series Instance UID", name);
        String study = require(slice, Tag.StudyInstanceUID, "Study Instance UID", name);
        String frameOfReference = require(slice, Tag.FrameOfReferenceUID, "Frame of Reference UID", name);
        double[] ipp = slice.getDoubles(Tag.ImagePositionPatient);
        double[] iop = slice.getDoubles(Tag.ImageOrientationPatient);
        double[] spacing = slice.getDoubles(Tag.PixelSpacing);
        if (ipp.length != 3 || iop.length != 6 || spacing.length != 2 || spacing[0] <= 0 || spacing[1] <= 0) {
            throw new DoseInputException(name + ": needs Image Position (Patient), Image Orientation (Patient) and "
                    + "Pixel Spacing (the Image Plane module) to place the slice");
        }
        double tilt = slice.getDouble(Tag.GantryDetectorTilt, 0);
        if (Math.abs(tilt) > TILT_TOLERANCE_DEGREES) {
            throw new DoseInputException(name + ": gantry tilt of " + fmt(tilt) + " degrees; the dose grid needs "
                    + "untilted axial slices (resample the series to an untilted grid first)");
        }
        int flipX = axisSign(iop[0], iop[1], iop[2]);
        int flipY = axisSign(iop[4], iop[3], iop[5]);
        if (flipX == 0 || flipY == 0) {
            throw new DoseInputException(name + ": orientation " + describe(iop) + " is not axial (Image Orientation "
                    + "(Patient) " + join(iop) + "); only axial slices with rows along x and columns along y are used");
        }
        ImagePixel pixel;
        short[] values;
        try {
            pixel = ImagePixel.of(slice);
            if (pixel.samplesPerPixel() != 1 || pixel.frames() != 1) {
                throw new DoseInputException(name + ": " + pixel.samplesPerPixel() + " samples per pixel and "
                        + pixel.frames() + " frames; a CT slice is one monochrome frame");
            }
            values = GrayscaleSamples.toShorts(FrameDecoder.decode(slice, transferSyntaxUid, 0), pixel);
        } catch (PixelDataException e) {
            String message = e.unsupported() ? e.getMessage() + "; send it uncompressed, RLE or JPEG lossless"
                    : e.getMessage();
            throw new DoseInputException(name + ": " + message, e);
        }
        if (slices.isEmpty()) {
            seriesUid = series;
            studyUid = study;
            frameOfReferenceUid = frameOfReference;
            rows = pixel.rows();
            columns = pixel.columns();
            rowSpacing = spacing[0];
            columnSpacing = spacing[1];
            patientAndStudy = PatientStudy.of(slice);
        } else {
            if (!series.equals(seriesUid)) {
                throw new DoseInputException(name + " belongs to series " + series + ", not to the series being read ("
                        + seriesUid + ")");
            }
            if (!frameOfReference.equals(frameOfReferenceUid)) {
                throw new DoseInputException(name + ": mixed Frames of Reference in one series (" + frameOfReference
                        + " and " + frameOfReferenceUid + ")");
            }
            if (pixel.rows() != rows || pixel.columns() != columns) {
                throw new DoseInputException(name + " is " + pixel.columns() + " x " + pixel.rows()
                        + " pixels, the other slices " + columns + " x " + rows);
            }
            if (Math.abs(spacing[0] - rowSpacing) > 1e-4 || Math.abs(spacing[1] - columnSpacing) > 1e-4) {
                throw new DoseInputException(name + " has Pixel Spacing " + fmt(spacing[0]) + "\\" + fmt(spacing[1])
                        + " mm, the other slices " + fmt(rowSpacing) + "\\" + fmt(columnSpacing) + " mm");
            }
        }
        if (flipX < 0 || flipY < 0) {
            values = mirror(values, pixel.rows(), pixel.columns(), flipX < 0, flipY < 0);
        }
        // the (-x, -y) corner pixel's centre: the first pixel unless the axis runs backwards
        double x = flipX < 0 ? ipp[0] - (columns - 1) * columnSpacing : ipp[0];
        double y = flipY < 0 ? ipp[1] - (rows - 1) * rowSpacing : ipp[1];
        slices.add(new CtSlice(name, slice.getString(Tag.SOPInstanceUID), x, y, ipp[2],
                slice.getDouble(Tag.RescaleSlope, 1), slice.getDouble(Tag.RescaleIntercept, 0), pixel.signed(),
                values));
    }

    /** Slices added so far. */
    public int size() {
        return slices.size();
    }

    /** @throws DoseInputException for missing or uneven slices, tilt, orientation, mixed Frames of Reference */
    public CtSeries build() throws DoseInputException {
        if (slices.size() < 2) {
            throw new DoseInputException("a CT series needs at least 2 slices to make a dose grid, " + slices.size()
                    + (slices.size() == 1 ? " was" : " were") + " given");
        }
        List<CtSlice> sorted = new ArrayList<>(slices);
        sorted.sort(Comparator.comparingDouble(s -> s.z));
        double spacing = SliceSpacing.check(sorted);
        CtSlice first = sorted.get(0);
        for (CtSlice s : sorted) {
            double dx = s.x - first.x;
            double dy = s.y - first.y;
            double shift = Math.hypot(dx, dy);
            if (shift > Math.max(ORIGIN_TOLERANCE_MM, 0.01 * Math.min(rowSpacing, columnSpacing))) {
                double angle = Math.toDegrees(Math.atan2(shift, s.z - first.z));
                throw new DoseInputException("slice origins shift by " + fmt(shift) + " mm over " + fmt(s.z - first.z)
                        + " mm in z (from z = " + fmt(first.z) + " to z = " + fmt(s.z) + " mm): a gantry tilt of "
                        + fmt(angle) + " degrees or a sheared series; the dose grid needs untilted axial slices");
            }
        }
        Phantom phantom = toPhantom(sorted, spacing);
        slices.clear();
        return new CtSeries(phantom, studyUid, seriesUid, frameOfReferenceUid, patientAndStudy);
    }

    /** HU -> medium and density through the calibration, a lookup table per distinct rescale. */
    private Phantom toPhantom(List<CtSlice> sorted, double dz) {
        double vx = columnSpacing / 10;
        double vy = rowSpacing / 10;
        double vz = dz / 10;
        CtSlice first = sorted.get(0);
        Phantom ph = new Phantom(columns, rows, sorted.size(), vx, vy, vz, first.x / 10 - vx / 2,
                first.y / 10 - vy / 2, first.z / 10 - vz / 2);
        HuTable table = null; // consecutive slices almost always share their rescale: keep the last table only
        short[] values = new short[rows * columns];
        for (int k = 0; k < sorted.size(); k++) {
            CtSlice s = sorted.get(k);
            if (table == null || !table.matches(s)) {
                table = new HuTable(calibration, s.slope, s.intercept, s.signed);
            }
            s.copyTo(values);
            int base = ph.index(0, 0, k);
            for (int i = 0; i < values.length; i++) {
                int v = values[i] & 0xFFFF;
                ph.material[base + i] = table.medium[v];
                ph.density[base + i] = table.density[v];
            }
        }
        return ph;
    }

    /** Medium and density for every 16-bit stored value under one rescale. */
    private static final class HuTable {
        final byte[] medium = new byte[65536];
        final float[] density = new float[65536];
        private final double slope;
        private final double intercept;
        private final boolean signed;

        HuTable(HuCalibration c, double slope, double intercept, boolean signed) {
            this.slope = slope;
            this.intercept = intercept;
            this.signed = signed;
            for (int v = 0; v < 65536; v++) {
                double hu = (signed ? (short) v : v) * slope + intercept;
                medium[v] = c.medium(hu);
                density[v] = c.density(hu);
            }
        }

        boolean matches(CtSlice s) {
            return s.slope == slope && s.intercept == intercept && s.signed == signed;
        }
    }

    private static void checkCt(DataSet slice, String name) throws DoseInputException {
        String sopClass = slice.getString(Tag.SOPClassUID, "");
        String modality = slice.getString(Tag.Modality, "");
        if (!sopClass.isEmpty() && !UID.CTImageStorage.equals(sopClass)) {
            String className = UIDs.nameOf(sopClass);
            throw new DoseInputException(name + " is a " + (className != null ? className : sopClass)
                    + (modality.isEmpty() ? "" : " (modality " + modality + ")")
                    + ", not a CT Image Storage object: the dose grid is made from classic CT slices");
        }
        if (!modality.isEmpty() && !"CT".equals(modality)) {
            throw new DoseInputException(name + " has modality " + modality + ", not CT");
        }
        if (sopClass.isEmpty() && modality.isEmpty()) {
            throw new DoseInputException(name + " has neither SOP Class UID nor Modality: cannot tell it is a CT image");
        }
    }

    private static String require(DataSet ds, int tag, String what, String name) throws DoseInputException {
        String v = ds.getString(tag);
        if (v == null || v.isBlank()) {
            throw new DoseInputException(name + " has no " + what);
        }
        return v.trim();
    }

    /** "CT slice 12 (1.2.3...)", or by SOP Instance UID alone. */
    static String name(DataSet slice) {
        String instance = slice.getString(Tag.InstanceNumber, "");
        String uid = slice.getString(Tag.SOPInstanceUID, "?");
        return instance.isEmpty() ? "CT slice " + uid : "CT slice " + instance + " (" + uid + ")";
    }

    /** +1 when the cosines are (1, 0, 0) along the named axis, -1 for (-1, 0, 0), else 0. */
    private static int axisSign(double along, double other1, double other2) {
        if (Math.abs(other1) > ORIENTATION_TOLERANCE || Math.abs(other2) > ORIENTATION_TOLERANCE) {
            return 0;
        }
        return Math.abs(along - 1) <= ORIENTATION_TOLERANCE ? 1 : Math.abs(along + 1) <= ORIENTATION_TOLERANCE ? -1 : 0;
    }

    /** Sagittal, coronal or oblique, by the slice normal's largest component. */
    private static String describe(double[] iop) {
        double nx = iop[1] * iop[5] - iop[2] * iop[4];
        double ny = iop[2] * iop[3] - iop[0] * iop[5];
        double nz = iop[0] * iop[4] - iop[1] * iop[3];
        double ax = Math.abs(nx);
        double ay = Math.abs(ny);
        double az = Math.abs(nz);
        double max = Math.max(ax, Math.max(ay, az));
        String plane = max == ax ? "sagittal" : max == ay ? "coronal" : "axial";
        return max > 1 - ORIENTATION_TOLERANCE && !"axial".equals(plane) ? plane
                : "oblique (nearest " + plane + ", " + fmt(Math.toDegrees(Math.acos(Math.min(1, max)))) + " degrees off)";
    }

    private static short[] mirror(short[] v, int rows, int columns, boolean x, boolean y) {
        short[] out = new short[v.length];
        for (int r = 0; r < rows; r++) {
            int rr = y ? rows - 1 - r : r;
            for (int c = 0; c < columns; c++) {
                out[rr * columns + (x ? columns - 1 - c : c)] = v[r * columns + c];
            }
        }
        return out;
    }

    static String fmt(double v) {
        return fmt(v, 2);
    }

    /** At most {@code decimals} decimals, at least one. */
    static String fmt(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s;
        return s.equals("-0.0") ? "0.0" : s;
    }

    private static String join(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : "\\").append(fmt(d, 4));
        }
        return sb.toString();
    }
}
