package org.gridpacs.dose.dicom;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dose.engine.DoseResult;

/** Dose result -> RT Dose (PS3.3 A.18) in the CT's study and Frame of Reference. Contract only. */
public final class RtDoseWriter {
    private RtDoseWriter() {
    }

    /**
     * @return the RT Dose (Dose Type PHYSICAL, Summation PLAN, referencing the plan), then, if the options ask for it,
     *         the uncertainty as an RT Dose with Dose Type ERROR; UIDs and times from {@code ids}
     */
    public static List<DataSet> write(DoseResult result, CtSeries ct, String planSopInstanceUid, DerivedIds ids,
                                      RtDoseOptions options) {
        throw new UnsupportedOperationException("RtDoseWriter not implemented yet");
    }
}
