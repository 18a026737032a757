package org.gridpacs.federation.deid;

import org.gridpacs.dicom.data.DataSet;

/**
 * What one de-identification produced: the new File Meta Information (its Media Storage SOP Instance UID is the
 * new SOP Instance UID) and the original and new UIDs, for the exporting site's audit record.
 */
public record DeidentifiedInstance(DataSet fileMeta, String originalStudyInstanceUID, String studyInstanceUID,
                                   String originalSopInstanceUID, String sopInstanceUID) {
}
