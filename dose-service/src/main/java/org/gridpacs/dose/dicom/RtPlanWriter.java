package org.gridpacs.dose.dicom;

import java.time.format.DateTimeFormatter;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;

/**
 * A generated RT Plan for a beam description (so that every RT Dose references a plan that exists): PS3.3 A.20 with
 * the CT's Patient and General Study modules, a new series, the CT's Frame of Reference, RT Plan Geometry
 * TREATMENT_DEVICE (no structure set), one fraction group of one fraction whose Beam Meterset is each beam's MU, one
 * patient setup, and each beam STATIC with ASYMX/ASYMY jaws (and MLCX when it has an MLC) in two control points.
 * Approval Status UNAPPROVED: it describes a calculation, not a treatment. Everything is derived from the arguments,
 * so the same request writes the same bytes.
 */
public final class RtPlanWriter {
    static final String MANUFACTURER = "GridPACS";
    /** Series Number of generated plans: high, away from the scanner's own series numbers. */
    static final String SERIES_NUMBER = "9001";
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    private RtPlanWriter() {
    }

    /**
     * @param beams MU for the whole plan (written as one fraction); all in one patient position
     * @return an RT Plan in the CT's study and Frame of Reference, SOP Instance UID {@code ids.planSopInstanceUid()}
     * @throws IllegalArgumentException if there are no beams or they are in different patient positions
     */
    public static DataSet write(List<Beam> beams, CtSeries ct, String label, DerivedIds ids) {
        if (beams.isEmpty()) {
            throw new IllegalArgumentException("an RT Plan needs at least one beam");
        }
        PatientPosition position = beams.get(0).position();
        for (Beam b : beams) {
            if (b.position() != position) {
                throw new IllegalArgumentException("beams in different patient positions: " + position + ", "
                        + b.position());
            }
        }
        DataSet ds = ct.patientAndStudy() == null ? new DataSet() : ct.patientAndStudy().copy();
        String date = DA.format(ids.created());
        String time = TM.format(ids.created());
        // SOP Common
        ds.setString(Tag.SOPClassUID, VR.UI, UID.RTPlanStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, ids.planSopInstanceUid());
        ds.setString(Tag.InstanceCreationDate, VR.DA, date);
        ds.setString(Tag.InstanceCreationTime, VR.TM, time);
        ds.setString(Tag.InstanceNumber, VR.IS, "1");
        // RT Series, Frame of Reference, General Equipment
        ds.setString(Tag.Modality, VR.CS, "RTPLAN");
        ds.setString(Tag.SeriesInstanceUID, VR.UI, ids.planSeriesUid());
        ds.setString(Tag.SeriesNumber, VR.IS, SERIES_NUMBER);
        ds.setString(Tag.SeriesDescription, VR.LO, truncate(label, 64));
        ds.setNull(Tag.OperatorsName, VR.PN);
        ds.setString(Tag.FrameOfReferenceUID, VR.UI, ct.frameOfReferenceUid());
        ds.setNull(Tag.PositionReferenceIndicator, VR.LO);
        ds.setString(Tag.Manufacturer, VR.LO, MANUFACTURER);
        ds.setString(Tag.ManufacturerModelName, VR.LO, "GridPACS dose service");
        // RT General Plan
        ds.setString(Tag.RTPlanLabel, VR.SH, truncate(label, 16));
        ds.setString(Tag.RTPlanName, VR.LO, truncate(label, 64));
        ds.setString(Tag.RTPlanDescription, VR.ST, "Beams of a dose calculation request (not for treatment)");
        ds.setString(Tag.RTPlanDate, VR.DA, date);
        ds.setString(Tag.RTPlanTime, VR.TM, time);
        ds.setString(Tag.RTPlanGeometry, VR.CS, "TREATMENT_DEVICE");
        // RT Patient Setup
        DataSet setup = ds.newSequence(Tag.PatientSetupSequence).addItem();
        setup.setString(Tag.PatientPosition, VR.CS, position.name());
        setup.setInt(Tag.PatientSetupNumber, VR.IS, 1);
        // RT Fraction Scheme
        DataSet group = ds.newSequence(Tag.FractionGroupSequence).addItem();
        group.setInt(Tag.FractionGroupNumber, VR.IS, 1);
        group.setInt(Tag.NumberOfFractionsPlanned, VR.IS, 1);
        group.setInt(Tag.NumberOfBeams, VR.IS, beams.size());
        group.setInt(Tag.NumberOfBrachyApplicationSetups, VR.IS, 0);
        Sequence refs = group.newSequence(Tag.ReferencedBeamSequence);
        Sequence items = ds.newSequence(Tag.BeamSequence);
        for (int i = 0; i < beams.size(); i++) {
            DataSet ref = refs.addItem();
            ref.setInt(Tag.ReferencedBeamNumber, VR.IS, i + 1);
            ref.setDouble(Tag.BeamMeterset, VR.DS, beams.get(i).mu());
            beam(items.addItem(), beams.get(i), i + 1);
        }
        // Approval
        ds.setString(Tag.ApprovalStatus, VR.CS, "UNAPPROVED");
        return ds;
    }

    private static void beam(DataSet item, Beam b, int number) {
        item.setString(Tag.Manufacturer, VR.LO, MANUFACTURER);
        item.setString(Tag.TreatmentMachineName, VR.SH, b.kind() == Beam.Kind.CO60 ? "MC CO60" : "MC 6MV");
        item.setString(Tag.PrimaryDosimeterUnit, VR.CS, "MU");
        item.setDouble(Tag.SourceAxisDistance, VR.DS, b.sad() * 10);
        Sequence devices = item.newSequence(Tag.BeamLimitingDeviceSequence);
        device(devices.addItem(), "ASYMX", 1);
        device(devices.addItem(), "ASYMY", 1);
        Mlc mlc = b.mlc();
        if (mlc != null) {
            DataSet d = devices.addItem();
            device(d, "MLCX", mlc.pairs());
            d.setDouble(Tag.LeafPositionBoundaries, VR.DS, mm(mlc.boundaries()));
        }
        item.setInt(Tag.BeamNumber, VR.IS, number);
        item.setString(Tag.BeamName, VR.LO, "Beam " + number);
        item.setString(Tag.BeamType, VR.CS, "STATIC");
        item.setString(Tag.RadiationType, VR.CS, "PHOTON");
        item.setString(Tag.TreatmentDeliveryType, VR.CS, "TREATMENT");
        item.setInt(Tag.NumberOfWedges, VR.IS, 0);
        item.setInt(Tag.NumberOfCompensators, VR.IS, 0);
        item.setInt(Tag.NumberOfBoli, VR.IS, 0);
        item.setInt(Tag.NumberOfBlocks, VR.IS, 0);
        item.setInt(Tag.FinalCumulativeMetersetWeight, VR.DS, 1);
        item.setInt(Tag.NumberOfControlPoints, VR.IS, 2);
        item.setInt(Tag.ReferencedPatientSetupNumber, VR.IS, 1);
        Sequence cps = item.newSequence(Tag.ControlPointSequence);
        DataSet cp0 = cps.addItem();
        cp0.setInt(Tag.ControlPointIndex, VR.IS, 0);
        cp0.setDouble(Tag.NominalBeamEnergy, VR.DS, b.kind() == Beam.Kind.CO60 ? 1.25 : 6);
        Sequence positions = cp0.newSequence(Tag.BeamLimitingDevicePositionSequence);
        position(positions.addItem(), "ASYMX", b.x1() * 10, b.x2() * 10);
        position(positions.addItem(), "ASYMY", b.y1() * 10, b.y2() * 10);
        if (mlc != null) {
            double[] a = mlc.bankA();
            double[] bb = mlc.bankB();
            double[] leaves = new double[2 * a.length];
            for (int i = 0; i < a.length; i++) {
                leaves[i] = a[i] * 10;
                leaves[a.length + i] = bb[i] * 10;
            }
            position(positions.addItem(), "MLCX", leaves);
        }
        angle(cp0, Tag.GantryAngle, Tag.GantryRotationDirection, b.gantryDeg());
        angle(cp0, Tag.BeamLimitingDeviceAngle, Tag.BeamLimitingDeviceRotationDirection, b.collimatorDeg());
        angle(cp0, Tag.PatientSupportAngle, Tag.PatientSupportRotationDirection, b.couchDeg());
        angle(cp0, Tag.TableTopEccentricAngle, Tag.TableTopEccentricRotationDirection, 0);
        cp0.setDouble(Tag.TableTopPitchAngle, VR.FL, 0);
        cp0.setString(Tag.TableTopPitchRotationDirection, VR.CS, "NONE");
        cp0.setDouble(Tag.TableTopRollAngle, VR.FL, 0);
        cp0.setString(Tag.TableTopRollRotationDirection, VR.CS, "NONE");
        cp0.setNull(Tag.TableTopVerticalPosition, VR.DS);
        cp0.setNull(Tag.TableTopLongitudinalPosition, VR.DS);
        cp0.setNull(Tag.TableTopLateralPosition, VR.DS);
        cp0.setDouble(Tag.IsocenterPosition, VR.DS, b.isoX() * 10, b.isoY() * 10, b.isoZ() * 10);
        cp0.setInt(Tag.CumulativeMetersetWeight, VR.DS, 0);
        DataSet cp1 = cps.addItem();
        cp1.setInt(Tag.ControlPointIndex, VR.IS, 1);
        cp1.setInt(Tag.CumulativeMetersetWeight, VR.DS, 1);
    }

    private static void device(DataSet d, String type, int pairs) {
        d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, type);
        d.setInt(Tag.NumberOfLeafJawPairs, VR.IS, pairs);
    }

    private static void position(DataSet d, String type, double... mm) {
        d.setString(Tag.RTBeamLimitingDeviceType, VR.CS, type);
        d.setDouble(Tag.LeafJawPositions, VR.DS, mm);
    }

    private static void angle(DataSet cp, int angleTag, int directionTag, double degrees) {
        cp.setDouble(angleTag, VR.DS, PlanAttributes.angle(degrees));
        cp.setString(directionTag, VR.CS, "NONE");
    }

    private static double[] mm(double[] cm) {
        double[] r = new double[cm.length];
        for (int i = 0; i < cm.length; i++) {
            r[i] = cm[i] * 10;
        }
        return r;
    }

    private static String truncate(String s, int max) {
        String t = s == null || s.isBlank() ? "DOSE" : s.strip();
        return t.length() <= max ? t : t.substring(0, max).strip();
    }
}
