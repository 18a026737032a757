package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.phantom.Phantom;

/**
 * A CT series made ready for the engine: the phantom on the CT's own grid (voxel (0,0,0) is the (-x, -y) corner pixel
 * of the lowest slice, which is its first pixel unless the slices were mirrored (feet-first/prone orientation); corner
 * = that pixel's centre - half a voxel, cm), and what an object derived from it must copy.
 *
 * @param phantom             density and medium per voxel, on the CT grid
 * @param studyInstanceUid    the CT's study
 * @param seriesInstanceUid   the CT series
 * @param frameOfReferenceUid the CT's Frame of Reference UID (the RT Dose shares it)
 * @param patientAndStudy     the Patient and General Study module attributes of the CT (with Specific Character
 *                            Set), copied into the RT Dose and a generated RT Plan
 */
public record CtSeries(Phantom phantom, String studyInstanceUid, String seriesInstanceUid, String frameOfReferenceUid,
                       DataSet patientAndStudy) {
}
