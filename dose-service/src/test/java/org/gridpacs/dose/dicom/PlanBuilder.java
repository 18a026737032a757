package org.gridpacs.dose.dicom;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;

/**
 * Synthetic RT Plans for the reader tests: a plan of beams, each a list of control points given as small data sets,
 * with the fraction group and patient setup filled in. Tests then break what they test.
 */
final class PlanBuilder {
    private final DataSet plan = new DataSet();
    private final Sequence refs;
    private final Sequence beams;
    private final DataSet group;

    PlanBuilder(String position, int fractions) {
        plan.setString(Tag.SOPClassUID, VR.UI, UID.RTPlanStorage);
        plan.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3.4");
        plan.setString(Tag.StudyInstanceUID, VR.UI, "1.2.3");
        plan.setString(Tag.Modality, VR.CS, "RTPLAN");
        plan.setString(Tag.RTPlanLabel, VR.SH, "TEST");
        plan.setString(Tag.RTPlanGeometry, VR.CS, "TREATMENT_DEVICE");
        DataSet setup = plan.newSequence(Tag.PatientSetupSequence).addItem();
        setup.setString(Tag.PatientPosition, VR.CS, position);
        setup.setInt(Tag.PatientSetupNumber, VR.IS, 1);
        group = plan.newSequence(Tag.FractionGroupSequence).addItem();
        group.setInt(Tag.FractionGroupNumber, VR.IS, 1);
        group.setInt(Tag.NumberOfFractionsPlanned, VR.IS, fractions);
        group.setInt(Tag.NumberOfBrachyApplicationSetups, VR.IS, 0);
        refs = group.newSequence(Tag.ReferencedBeamSequence);
        beams = plan.newSequence(Tag.BeamSequence);
    }

    DataSet plan() {
        group.setInt(Tag.NumberOfBeams, VR.IS, beams.size());
        return plan;
    }

    /** A beam: ASYMX + ASYMY (+ MLCX with the given boundaries in mm, if not null); control points added by the caller. */
    BeamBuilder beam(String name, double meterset, double energy, double[] mlcBoundaries) {
        int number = beams.size() + 1;
        DataSet ref = refs.addItem();
        ref.setInt(Tag.ReferencedBeamNumber, VR.IS, number);
        ref.setDouble(Tag.BeamMeterset, VR.DS, meterset);
        DataSet b = beams.addItem();
        b.setInt(Tag.BeamNumber, VR.IS, number);
        b.setString(Tag.BeamName, VR.LO, name);
        b.setString(Tag.BeamType, VR.CS, "STATIC");
        b.setString(Tag.RadiationType, VR.CS, "PHOTON");
        b.setString(Tag.PrimaryDosimeterUnit, VR.CS, "MU");
        b.setDouble(Tag.SourceAxisDistance, VR.DS, 1000);
        b.setInt(Tag.NumberOfWedges, VR.IS, 0);
        b.setInt(Tag.NumberOfCompensators, VR.IS, 0);
        b.setInt(Tag.NumberOfBoli, VR.IS, 0);
        b.setInt(Tag.NumberOfBlocks, VR.IS, 0);
        b.setInt(Tag.ReferencedPatientSetupNumber, VR.IS, 1);
        Sequence devices = b.newSequence(Tag.BeamLimitingDeviceSequence);
        for (String t : new String[] {"ASYMX", "ASYMY"}) {
            DataSet d = devices.addItem();
            d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, t);
            d.setInt(Tag.NumberOfLeafJawPairs, VR.IS, 1);
        }
        if (mlcBoundaries != null) {
            DataSet d = devices.addItem();
            d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, "MLCX");
            d.setInt(Tag.NumberOfLeafJawPairs, VR.IS, mlcBoundaries.length - 1);
            d.setDouble(Tag.LeafPositionBoundaries, VR.DS, mlcBoundaries);
        }
        return new BeamBuilder(b, energy);
    }

    static final class BeamBuilder {
        final DataSet beam;
        private final double energy;
        private final List<DataSet> cps = new ArrayList<>();
        private final Sequence seq;

        BeamBuilder(DataSet beam, double energy) {
            this.beam = beam;
            this.energy = energy;
            seq = beam.newSequence(Tag.ControlPointSequence);
        }

        /** The first control point: energy, angles, isocentre (mm), jaws (mm), leaves (mm, A then B, or null). */
        BeamBuilder first(double gantry, double collimator, double couch, double[] isoMm, double[] jawX, double[] jawY,
                          double[] leaves) {
            DataSet cp = add(0);
            cp.setDouble(Tag.NominalBeamEnergy, VR.DS, energy);
            cp.setDouble(Tag.GantryAngle, VR.DS, gantry);
            cp.setString(Tag.GantryRotationDirection, VR.CS, "NONE");
            cp.setDouble(Tag.BeamLimitingDeviceAngle, VR.DS, collimator);
            cp.setString(Tag.BeamLimitingDeviceRotationDirection, VR.CS, "NONE");
            cp.setDouble(Tag.PatientSupportAngle, VR.DS, couch);
            cp.setString(Tag.PatientSupportRotationDirection, VR.CS, "NONE");
            cp.setDouble(Tag.TableTopEccentricAngle, VR.DS, 0);
            cp.setDouble(Tag.IsocenterPosition, VR.DS, isoMm);
            positions(cp, jawX, jawY, leaves);
            return this;
        }

        /** A later control point at a cumulative meterset weight; changes applied by {@code change}. */
        BeamBuilder then(double weight, Consumer<DataSet> change) {
            DataSet cp = add(weight);
            change.accept(cp);
            return this;
        }

        private DataSet add(double weight) {
            DataSet cp = seq.addItem();
            cp.setInt(Tag.ControlPointIndex, VR.IS, seq.size() - 1);
            cp.setDouble(Tag.CumulativeMetersetWeight, VR.DS, weight);
            cps.add(cp);
            beam.setInt(Tag.NumberOfControlPoints, VR.IS, seq.size());
            beam.setDouble(Tag.FinalCumulativeMetersetWeight, VR.DS, weight);
            return cp;
        }

        DataSet firstControlPoint() {
            return cps.get(0);
        }

        static void positions(DataSet cp, double[] jawX, double[] jawY, double[] leaves) {
            Sequence p = cp.newSequence(Tag.BeamLimitingDevicePositionSequence);
            if (jawX != null) {
                DataSet d = p.addItem();
                d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMX");
                d.setDouble(Tag.LeafJawPositions, VR.DS, jawX);
            }
            if (jawY != null) {
                DataSet d = p.addItem();
                d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, "ASYMY");
                d.setDouble(Tag.LeafJawPositions, VR.DS, jawY);
            }
            if (leaves != null) {
                DataSet d = p.addItem();
                d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, "MLCX");
                d.setDouble(Tag.LeafJawPositions, VR.DS, leaves);
            }
        }
    }
}
