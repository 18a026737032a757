package org.gridpacs.dose.dicom;

/**
 * A CT series or RT Plan the dose service cannot calculate on. The message names the problem in a physicist's words
 * ("gantry tilt of 12 degrees", "slice missing between z = 30.0 and z = 36.0 mm", "energy 18 MV: only 6 MV and
 * Co-60 are modelled"); it becomes the failed job's error.
 */
public final class DoseInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public DoseInputException(String message) {
        super(message);
    }

    public DoseInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
