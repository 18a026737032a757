package org.gridpacs.dose.jobs;

import java.util.List;

/**
 * What a job calculates: the dose of an RT Plan stored in the study, or of a beam description (a plan is then
 * generated and stored beside the dose), to a target uncertainty or for a fixed number of histories.
 *
 * @param plan        the RT Plan's SOP Instance UID, or null with {@code beams}
 * @param beams       the beam description, empty with {@code plan}
 * @param uncertainty target uncertainty, percent (null: the histories, or the configured default)
 * @param histories   histories to run (with an uncertainty: the most to run); null for the configured most
 * @param seed        random seed; null for the configured one
 */
public record JobRequest(String study, String plan, List<BeamSpec> beams, Double uncertainty, Long histories,
                         Long seed) {

    public JobRequest {
        beams = beams == null ? List.of() : List.copyOf(beams);
    }

    /** A request for the dose of a stored plan. */
    public static JobRequest forPlan(String study, String plan) {
        return new JobRequest(study, plan, List.of(), null, null, null);
    }
}
