package org.gridpacs.dose.dicom;

/**
 * How the RT Dose is written.
 *
 * @param bitsAllocated 16 (default) or 32
 * @param gridMm        dose grid spacing in mm, or 0 for the CT grid itself
 * @param errorDose     also write the statistical uncertainty as an RT Dose with Dose Type ERROR
 */
public record RtDoseOptions(int bitsAllocated, double gridMm, boolean errorDose) {
    public static final RtDoseOptions DEFAULT = new RtDoseOptions(16, 0, true);

    public RtDoseOptions {
        if (bitsAllocated != 16 && bitsAllocated != 32) {
            throw new IllegalArgumentException("RT Dose bits allocated must be 16 or 32, not " + bitsAllocated);
        }
        if (gridMm < 0) {
            throw new IllegalArgumentException("dose grid spacing must be 0 (the CT grid) or positive");
        }
    }
}
