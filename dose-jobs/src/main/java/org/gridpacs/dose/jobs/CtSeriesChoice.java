package org.gridpacs.dose.jobs;

import java.util.List;

import org.gridpacs.dose.dicom.DoseInputException;

/** Which CT series of a study a plan is calculated on. */
final class CtSeriesChoice {
    private CtSeriesChoice() {
    }

    /** A CT series as the index knows it: its Frame of Reference UID (from its first instance) and size. */
    record CtSeriesInfo(String seriesUid, String frameOfReferenceUid, int instances) {
    }

    /**
     * The series with the plan's Frame of Reference UID; without one (a plan that has none, or a beam
     * description), the study's only CT series.
     *
     * @throws DoseInputException naming why no series, or no single one, fits
     */
    static CtSeriesInfo choose(String study, List<CtSeriesInfo> series, String planFrameOfReference)
            throws DoseInputException {
        if (series.isEmpty()) {
            throw new DoseInputException("study " + study + " has no CT series");
        }
        if (planFrameOfReference != null) {
            List<CtSeriesInfo> same = series.stream()
                    .filter(s -> planFrameOfReference.equals(s.frameOfReferenceUid())).toList();
            if (same.size() == 1) {
                return same.get(0);
            }
            if (same.size() > 1) {
                throw new DoseInputException(same.size() + " CT series of study " + study
                        + " share the plan's Frame of Reference " + planFrameOfReference + " ("
                        + String.join(", ", same.stream().map(CtSeriesInfo::seriesUid).toList())
                        + "): request the dose with the series' plan stored alone, or remove the extra series");
            }
            throw new DoseInputException("no CT series of study " + study + " has the plan's Frame of Reference "
                    + planFrameOfReference + " (CT series: " + describe(series) + ")");
        }
        if (series.size() > 1) {
            throw new DoseInputException("study " + study + " has " + series.size() + " CT series and the plan names no"
                    + " Frame of Reference to choose one by (" + describe(series) + ")");
        }
        return series.get(0);
    }

    private static String describe(List<CtSeriesInfo> series) {
        return String.join(", ", series.stream()
                .map(s -> s.seriesUid() + " with Frame of Reference " + s.frameOfReferenceUid()).toList());
    }
}
