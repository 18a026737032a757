package org.gridpacs.dose.phantom;

/**
 * A CT series already decoded to arrays: stored pixel values per slice plus the geometry the DICOM headers give
 * (Image Position/Orientation (Patient), Pixel Spacing, Rescale Slope/Intercept). Builds a {@link Phantom} in
 * patient coordinates: rescales to HU, sorts slices along the slice normal, checks even spacing, and refuses
 * oblique orientations and tilted gantries (slice positions not along the normal).
 */
public final class CtVolume {
    private CtVolume() {
    }

    /**
     * @param pixels      per slice, rows*columns stored values, row-major
     * @param positions   per slice, Image Position (Patient) (x, y, z) of the first pixel centre, mm
     * @param orientation Image Orientation (Patient): row direction cosines then column direction cosines
     * @param rowSpacing  Pixel Spacing[0]: distance between rows, mm
     * @param colSpacing  Pixel Spacing[1]: distance between columns, mm
     */
    public static Phantom toPhantom(short[][] pixels, double[][] positions, double[] orientation, int rows, int columns,
                                    double rowSpacing, double colSpacing, double slope, double intercept,
                                    HuCalibration calibration) {
        int n = pixels.length;
        if (n < 1 || positions.length != n) {
            throw new IllegalArgumentException("need one position per slice");
        }
        // only axial, axis-aligned series: row along +x, column along +y
        double[] r = {orientation[0], orientation[1], orientation[2]};
        double[] c = {orientation[3], orientation[4], orientation[5]};
        if (Math.abs(r[0] - 1) > 1e-3 || Math.abs(c[1] - 1) > 1e-3) {
            throw new IllegalArgumentException("only axial slices with rows along +x and columns along +y are supported");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (pixels[i].length != rows * columns) {
                throw new IllegalArgumentException("slice " + i + " has " + pixels[i].length + " pixels");
            }
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(positions[a][2], positions[b][2]));
        double[] first = positions[order[0]];
        double dz = n > 1 ? positions[order[1]][2] - first[2] : 1.0;
        for (int k = 0; k < n; k++) {
            double[] p = positions[order[k]];
            if (Math.abs(p[0] - first[0]) > 0.01 || Math.abs(p[1] - first[1]) > 0.01) {
                throw new IllegalArgumentException("slice origins shift across slices: tilted gantry or oblique series refused");
            }
            if (n > 1 && Math.abs(p[2] - first[2] - k * dz) > 0.01 * Math.abs(dz) + 1e-3) {
                throw new IllegalArgumentException("uneven slice spacing at slice " + k);
            }
        }
        if (n > 1 && dz <= 0) {
            throw new IllegalArgumentException("duplicate slice positions");
        }
        // mm -> cm; the phantom corner is half a voxel before the first pixel centre
        double vx = colSpacing / 10;
        double vy = rowSpacing / 10;
        double vz = dz / 10;
        Phantom ph = new Phantom(columns, rows, n, vx, vy, vz, first[0] / 10 - vx / 2, first[1] / 10 - vy / 2,
                first[2] / 10 - vz / 2);
        for (int k = 0; k < n; k++) {
            short[] s = pixels[order[k]];
            for (int row = 0; row < rows; row++) {
                for (int col = 0; col < columns; col++) {
                    double hu = s[row * columns + col] * slope + intercept;
                    int i = ph.index(col, row, k);
                    ph.material[i] = calibration.medium(hu);
                    ph.density[i] = calibration.density(hu);
                }
            }
        }
        return ph;
    }
}
