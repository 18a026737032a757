package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;

/** RT Plan (PS3.3 A.20) -> the engine's beams. Contract only: implemented in the RT Plan work. */
public final class RtPlanReader {
    private RtPlanReader() {
    }

    /** @throws DoseInputException naming what the engine cannot model or what the plan lacks */
    public static TreatmentPlan read(DataSet plan) throws DoseInputException {
        throw new UnsupportedOperationException("RtPlanReader not implemented yet");
    }
}
