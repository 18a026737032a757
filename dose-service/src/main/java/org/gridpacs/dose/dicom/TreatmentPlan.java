package org.gridpacs.dose.dicom;

import java.util.List;

import org.gridpacs.dose.source.Beam;

/**
 * What the engine needs from an RT Plan, already in its coordinates (cm, patient axes) and units.
 *
 * @param sopInstanceUid      the plan's SOP Instance UID (referenced by the RT Dose)
 * @param studyInstanceUid    the plan's study
 * @param frameOfReferenceUid the plan's Frame of Reference UID, or null when it has none
 * @param label               RT Plan Label
 * @param patientPosition     Patient Position of the setup (HFS, HFP, FFS, FFP)
 * @param fractions           Number of Fractions Planned of the fraction group used
 * @param beams               the beams (segments, control points sampled) with their MU for the whole plan
 *                            (meterset per fraction x fractions), so the dose is the PLAN sum
 */
public record TreatmentPlan(String sopInstanceUid, String studyInstanceUid, String frameOfReferenceUid, String label,
                            String patientPosition, int fractions, List<Beam> beams) {
    public TreatmentPlan {
        beams = List.copyOf(beams);
    }
}
