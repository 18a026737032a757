package org.gridpacs.dose.dicom;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.source.Beam;

/** A generated RT Plan for a beam description (so that every RT Dose references a plan that exists). Contract only. */
public final class RtPlanWriter {
    private RtPlanWriter() {
    }

    /**
     * @param beams MU for the whole plan (written as one fraction)
     * @return an RT Plan in the CT's study and Frame of Reference, SOP Instance UID {@code ids.planSopInstanceUid()}
     */
    public static DataSet write(List<Beam> beams, CtSeries ct, String label, DerivedIds ids) {
        throw new UnsupportedOperationException("RtPlanWriter not implemented yet");
    }
}
