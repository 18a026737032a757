package org.gridpacs.dose.dicom;

import static org.gridpacs.dose.dicom.PlanAttributes.code;
import static org.gridpacs.dose.dicom.PlanAttributes.integer;
import static org.gridpacs.dose.dicom.PlanAttributes.items;
import static org.gridpacs.dose.dicom.PlanAttributes.name;
import static org.gridpacs.dose.dicom.PlanAttributes.optional;
import static org.gridpacs.dose.dicom.PlanAttributes.plain;
import static org.gridpacs.dose.dicom.PlanAttributes.requiredItems;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.PatientPosition;

/**
 * RT Plan (PS3.3 A.20) -> the engine's beams, for the whole plan: every beam the fraction group references, with MU =
 * Beam Meterset (per fraction) x Number of Fractions Planned, cut into static segments by {@link RtBeamReader}.
 *
 * <p>Attributes the standard makes optional but a dose calculation needs are required: the Fraction Scheme (one
 * fraction group, with a Beam Meterset for each beam), Patient Setup (HFS, HFP, FFS or FFP), and per beam Primary
 * Dosimeter Unit MU, Source-Axis Distance, and in the first control point Nominal Beam Energy and Isocenter Position.
 * Brachytherapy, ion and non-photon plans, wedges, compensators, boli, blocks and applicators are refused by name.
 * The plan's RT Plan Geometry may be PATIENT or TREATMENT_DEVICE and its Frame of Reference absent: the isocentre is
 * in patient coordinates either way; matching it to a CT is the caller's business.
 */
public final class RtPlanReader {
    private RtPlanReader() {
    }

    /** @throws DoseInputException naming what the engine cannot model or what the plan lacks */
    public static TreatmentPlan read(DataSet plan) throws DoseInputException {
        try {
            return readPlan(plan);
        } catch (RuntimeException e) {
            // a value the checks above did not foresee (a wrong VR, a malformed string): still the plan's fault
            throw new DoseInputException("RT Plan could not be read: " + e.getMessage(), e);
        }
    }

    private static TreatmentPlan readPlan(DataSet plan) throws DoseInputException {
        if (plan == null) {
            throw new DoseInputException("no RT Plan");
        }
        checkSopClass(plan);
        Sequence brachy = items(plan, Tag.ApplicationSetupSequence, "");
        if (brachy != null && !brachy.isEmpty()) {
            throw new DoseInputException("brachytherapy plans are not modelled (the plan has an Application Setup Sequence)");
        }
        Sequence groups = requiredItems(plan, Tag.FractionGroupSequence, "RT Plan");
        if (groups.size() != 1) {
            throw new DoseInputException("the plan has " + groups.size()
                    + " fraction groups; the dose service calculates plans with one");
        }
        DataSet group = groups.get(0);
        String fg = "fraction group " + group.getString(Tag.FractionGroupNumber, "1");
        if (integer(group, Tag.NumberOfBrachyApplicationSetups, 0, fg) > 0) {
            throw new DoseInputException(fg + ": brachytherapy application setups are not modelled");
        }
        int fractions = integer(group, Tag.NumberOfFractionsPlanned, -1, fg);
        if (fractions < 1) {
            throw new DoseInputException(fg + ": " + name(Tag.NumberOfFractionsPlanned) + " is missing or not positive");
        }
        Map<Integer, PatientPosition> setups = patientSetups(plan);
        Map<Integer, DataSet> beamsByNumber = beamsByNumber(plan);
        Sequence referenced = requiredItems(group, Tag.ReferencedBeamSequence, fg);
        List<Beam> beams = new ArrayList<>();
        PatientPosition planPosition = null;
        for (DataSet ref : referenced) {
            int number = integer(ref, Tag.ReferencedBeamNumber, Integer.MIN_VALUE, fg);
            if (number == Integer.MIN_VALUE) {
                throw new DoseInputException(fg + ": a Referenced Beam Sequence item has no "
                        + name(Tag.ReferencedBeamNumber));
            }
            DataSet beam = beamsByNumber.get(number);
            if (beam == null) {
                throw new DoseInputException(fg + " references beam " + number + ", which the Beam Sequence lacks");
            }
            String where = RtBeamReader.describe(beam);
            double meterset = optional(ref, Tag.BeamMeterset, fg + ", " + where);
            if (Double.isNaN(meterset)) {
                throw new DoseInputException(fg + ", " + where + ": " + name(Tag.BeamMeterset)
                        + " is missing: the dose service needs the MU of every beam");
            }
            if (meterset < 0) {
                throw new DoseInputException(fg + ", " + where + ": Beam Meterset " + plain(meterset) + " is negative");
            }
            if (meterset == 0) {
                continue; // delivers nothing (a setup or imaging beam): not read, so not refused either
            }
            PatientPosition position = setupOf(beam, setups, where);
            if (planPosition != null && position != planPosition) {
                throw new DoseInputException(where + ": patient position " + position + " differs from "
                        + planPosition + " of the other beams; one position per plan is supported");
            }
            planPosition = position;
            beams.addAll(RtBeamReader.segments(beam, meterset * fractions, position));
        }
        double mu = beams.stream().mapToDouble(Beam::mu).sum();
        if (beams.isEmpty() || !(mu > 0)) {
            throw new DoseInputException("the plan delivers no dose: no beam has MU through an open field");
        }
        return new TreatmentPlan(plan.getString(Tag.SOPInstanceUID), plan.getString(Tag.StudyInstanceUID),
                plan.getString(Tag.FrameOfReferenceUID), plan.getString(Tag.RTPlanLabel, ""),
                planPosition.name(), fractions, beams);
    }

    private static void checkSopClass(DataSet plan) throws DoseInputException {
        String sopClass = plan.getString(Tag.SOPClassUID);
        if (UID.RTIonPlanStorage.equals(sopClass)) {
            throw new DoseInputException("RT Ion Plan: protons and ions are not modelled (only 6 MV and Co-60 photons)");
        }
        if (sopClass == null || sopClass.isEmpty() ? !"RTPLAN".equals(code(plan, Tag.Modality))
                : !UID.RTPlanStorage.equals(sopClass)) {
            throw new DoseInputException("not an RT Plan (SOP Class " + sopClass + ", Modality "
                    + plan.getString(Tag.Modality) + ")");
        }
    }

    private static Map<Integer, PatientPosition> patientSetups(DataSet plan) throws DoseInputException {
        Sequence setups = items(plan, Tag.PatientSetupSequence, "");
        if (setups == null || setups.isEmpty()) {
            throw new DoseInputException(name(Tag.PatientSetupSequence)
                    + " is missing: the patient position (HFS, HFP, FFS, FFP) is unknown");
        }
        Map<Integer, PatientPosition> out = new HashMap<>();
        for (DataSet s : setups) {
            String where = "patient setup " + s.getString(Tag.PatientSetupNumber, "?");
            int number = integer(s, Tag.PatientSetupNumber, Integer.MIN_VALUE, where);
            String code = code(s, Tag.PatientPosition);
            PatientPosition p = PatientPosition.of(code);
            if (p == null) {
                throw new DoseInputException(where + ": patient position "
                        + (code.isEmpty() ? "not given" : "'" + code + "' is not modelled")
                        + " (only HFS, HFP, FFS and FFP)");
            }
            out.put(number, p);
        }
        return out;
    }

    /** The position of the setup the beam references, or of the only setup when it references none. */
    private static PatientPosition setupOf(DataSet beam, Map<Integer, PatientPosition> setups, String where)
            throws DoseInputException {
        int ref = integer(beam, Tag.ReferencedPatientSetupNumber, Integer.MIN_VALUE, where);
        if (ref == Integer.MIN_VALUE) {
            if (setups.size() == 1 || setups.values().stream().distinct().count() == 1) {
                return setups.values().iterator().next();
            }
            throw new DoseInputException(where + ": no " + name(Tag.ReferencedPatientSetupNumber)
                    + " and the plan has several patient setups");
        }
        PatientPosition p = setups.get(ref);
        if (p == null) {
            throw new DoseInputException(where + " references patient setup " + ref + ", which the plan lacks");
        }
        return p;
    }

    private static Map<Integer, DataSet> beamsByNumber(DataSet plan) throws DoseInputException {
        Sequence beams = items(plan, Tag.BeamSequence, "");
        if (beams == null || beams.isEmpty()) {
            Sequence ion = items(plan, Tag.IonBeamSequence, "");
            if (ion != null && !ion.isEmpty()) {
                throw new DoseInputException("ion beams are not modelled (only 6 MV and Co-60 photons)");
            }
            throw new DoseInputException(name(Tag.BeamSequence) + " is missing or empty");
        }
        Map<Integer, DataSet> out = new HashMap<>();
        for (DataSet b : beams) {
            int number = integer(b, Tag.BeamNumber, Integer.MIN_VALUE, "Beam Sequence");
            if (number == Integer.MIN_VALUE) {
                throw new DoseInputException("a Beam Sequence item has no " + name(Tag.BeamNumber));
            }
            if (out.put(number, b) != null) {
                throw new DoseInputException("two beams have Beam Number " + number);
            }
        }
        return out;
    }
}
