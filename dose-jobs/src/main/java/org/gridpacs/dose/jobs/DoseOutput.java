package org.gridpacs.dose.jobs;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;

/**
 * What a calculation gives the archive, stored in this order once it has all been made: a generated RT Plan (for a
 * beam description; null otherwise), then the RT Dose objects (the dose first, then its uncertainty if written).
 */
public record DoseOutput(DataSet generatedPlan, List<DataSet> doses) {
    public DoseOutput {
        doses = List.copyOf(doses);
        if (doses.isEmpty()) {
            throw new IllegalArgumentException("a calculation gives at least one RT Dose");
        }
    }
}
