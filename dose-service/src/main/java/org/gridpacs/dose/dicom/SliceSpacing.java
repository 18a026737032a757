package org.gridpacs.dose.dicom;

import java.util.Arrays;
import java.util.List;

/**
 * The slice spacing of a sorted series, refusing duplicate positions, missing slices (a gap more than 1.5 spacings)
 * and uneven spacing beyond max(0.02 mm, 1%). The spacing is the median gap, so one odd gap is named as the odd one.
 */
final class SliceSpacing {
    private SliceSpacing() {
    }

    /** @return the mean spacing (mm) over the series, which the phantom's uniform grid uses */
    static double check(List<CtSlice> sorted) throws DoseInputException {
        int n = sorted.size();
        double[] gaps = new double[n - 1];
        for (int k = 1; k < n; k++) {
            CtSlice a = sorted.get(k - 1);
            CtSlice b = sorted.get(k);
            gaps[k - 1] = b.z - a.z;
            if (gaps[k - 1] < 1e-3) {
                throw new DoseInputException("two slices at z = " + CtSeriesReader.fmt(b.z) + " mm: " + a.name
                        + " and " + b.name + " (duplicate position)");
            }
        }
        double[] s = gaps.clone();
        Arrays.sort(s);
        double median = s[s.length / 2];
        double tolerance = Math.max(CtSeriesReader.SPACING_TOLERANCE_MM,
                CtSeriesReader.SPACING_TOLERANCE_FRACTION * median);
        for (int k = 0; k < gaps.length; k++) {
            double z0 = sorted.get(k).z;
            double z1 = sorted.get(k + 1).z;
            if (gaps[k] > CtSeriesReader.MISSING_FACTOR * median) {
                throw new DoseInputException("slice missing between z = " + CtSeriesReader.fmt(z0) + " and z = "
                        + CtSeriesReader.fmt(z1) + " mm (gap " + CtSeriesReader.fmt(gaps[k]) + " mm, slices "
                        + CtSeriesReader.fmt(median) + " mm apart elsewhere)");
            }
            if (Math.abs(gaps[k] - median) > tolerance) {
                throw new DoseInputException("uneven slice spacing: " + CtSeriesReader.fmt(gaps[k])
                        + " mm between z = " + CtSeriesReader.fmt(z0) + " and z = " + CtSeriesReader.fmt(z1)
                        + " mm, " + CtSeriesReader.fmt(median) + " mm elsewhere (tolerance "
                        + CtSeriesReader.fmt(tolerance) + " mm)");
            }
        }
        return (sorted.get(n - 1).z - sorted.get(0).z) / (n - 1);
    }
}
