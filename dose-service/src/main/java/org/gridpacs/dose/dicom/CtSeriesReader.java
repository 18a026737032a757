package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.phantom.HuCalibration;

/**
 * CT images (any order) -> {@link CtSeries}. Slices are added one by one and only their decoded pixels are kept, so
 * a caller can stream a series through it. Contract only: implemented in the CT input work.
 */
public final class CtSeriesReader {
    private final HuCalibration calibration;

    public CtSeriesReader(HuCalibration calibration) {
        this.calibration = calibration;
    }

    /** @throws DoseInputException if the slice is not a CT image the engine can use (names the problem) */
    public void add(DataSet slice) throws DoseInputException {
        throw new UnsupportedOperationException("CtSeriesReader not implemented yet");
    }

    /** @throws DoseInputException for missing or uneven slices, tilt, orientation, mixed Frames of Reference */
    public CtSeries build() throws DoseInputException {
        throw new UnsupportedOperationException("CtSeriesReader not implemented yet");
    }
}
