package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;
import org.junit.jupiter.api.Test;

class RtPlanReaderTest {
    private static final double[] ISO = {10, -20, 30};
    private static final double[] JAW = {-50, 50};

    @Test
    void readsPydicomsPlan() throws Exception {
        TreatmentPlan p = RtPlanReader.read(DicomFiles.read(TestData.pydicomFile("rtplan.dcm")));
        assertEquals("1.2.777.777.77.7.7777.7777.20030903150023", p.sopInstanceUid());
        assertEquals("1.22.333.4.555555.6.7777777777777777777777777777", p.studyInstanceUid());
        assertNull(p.frameOfReferenceUid());
        assertEquals("Plan1", p.label());
        assertEquals("HFS", p.patientPosition());
        assertEquals(30, p.fractions());
        assertEquals(1, p.beams().size());
        Beam b = p.beams().get(0);
        assertEquals(Beam.Kind.MV6, b.kind());
        assertEquals(116.0036697 * 30, b.mu(), 1e-6);
        assertEquals(23.5711172833292, b.isoX(), 1e-9);
        assertEquals(24.4135437110782, b.isoY(), 1e-9);
        assertEquals(-72.497815409918, b.isoZ(), 1e-9);
        assertEquals(100, b.sad(), 0);
        assertEquals(-10, b.x1(), 0);
        assertEquals(10, b.x2(), 0);
        assertEquals(-10, b.y1(), 0);
        assertEquals(10, b.y2(), 0);
        assertEquals(0, b.gantryDeg(), 0);
        assertEquals(0, b.collimatorDeg(), 0);
        assertEquals(0, b.couchDeg(), 0);
        assertNull(b.mlc());
        assertEquals(PatientPosition.HFS, b.position());
    }

    @Test
    void staticMlcBeamInCentimetres() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 2);
        pb.beam("MLC", 50, 6, new double[] {-20, -10, 0, 10, 20})
                .first(7.09e-10, 360, 359.9999999, ISO, JAW, new double[] {-15, 15},
                        new double[] {-30, -20, 0, 10, 30, 20, 0, 40})
                .then(1, cp -> { });
        TreatmentPlan p = RtPlanReader.read(pb.plan());
        assertEquals("TREATMENT_DEVICE", pb.plan().getString(Tag.RTPlanGeometry));
        Beam b = p.beams().get(0);
        assertEquals(100, b.mu(), 1e-12);
        assertEquals(0, b.gantryDeg(), 0);
        assertEquals(0, b.collimatorDeg(), 0);
        assertEquals(0, b.couchDeg(), 0);
        assertEquals(1, b.isoX(), 1e-12);
        assertEquals(-2, b.isoY(), 1e-12);
        assertEquals(3, b.isoZ(), 1e-12);
        assertEquals(-1.5, b.y1(), 1e-12);
        Mlc m = b.mlc();
        assertNotNull(m);
        assertEquals(4, m.pairs());
        assertEquals(-2, m.boundaries()[0], 1e-12);
        assertEquals(-3, m.bankA()[0], 1e-12);
        assertEquals(3, m.bankB()[0], 1e-12);
        assertEquals(0, m.bankB()[2] - m.bankA()[2], 1e-12); // pair 3 closed at 0
        // open: pair 1 clipped to jaws y -1.5..-1, x -3..3 -> -3..3 (jaws -5..5); pair 2 -2..2; pair 3 closed; pair 4 1..4
        double area = 0;
        for (double[] r : b.aperture().rectangles()) {
            area += (r[1] - r[0]) * (r[3] - r[2]);
        }
        assertEquals(6 * 0.5 + 4 * 1 + 0 + 3 * 0.5, area, 1e-12);
    }

    @Test
    void stepAndShootSegmentsGetTheirShareOfTheMeterset() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 1);
        double[] shape1 = {-10, -10, 10, 10};
        double[] shape2 = {-30, -30, 30, 30};
        pb.beam("SS", 100, 6, new double[] {-10, 0, 10})
                .first(0, 0, 0, ISO, JAW, JAW, shape1)
                .then(0.4, cp -> { })
                .then(0.4, cp -> PlanBuilder.BeamBuilder.positions(cp, null, null, shape2))
                .then(1.0, cp -> { });
        List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
        assertEquals(2, beams.size());
        assertEquals(40, beams.get(0).mu(), 1e-9);
        assertEquals(60, beams.get(1).mu(), 1e-9);
        assertEquals(-1, beams.get(0).mlc().bankA()[0], 1e-12);
        assertEquals(-3, beams.get(1).mlc().bankA()[0], 1e-12);
    }

    @Test
    void dynamicLeavesAreSampledAtSubSegmentMidpoints() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 1);
        pb.beam("DMLC", 80, 6, new double[] {-10, 0, 10})
                .first(0, 0, 0, ISO, JAW, JAW, new double[] {-40, -40, -30, -30})
                .then(1, cp -> PlanBuilder.BeamBuilder.positions(cp, null, null, new double[] {-20, -20, -10, -10}));
        pb.plan().getSequence(Tag.BeamSequence).get(0).setString(Tag.BeamType, VR.CS, "DYNAMIC");
        List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
        assertEquals(4, beams.size()); // 20 mm of travel, at most 5 mm per sub-segment
        for (int k = 0; k < 4; k++) {
            assertEquals(20, beams.get(k).mu(), 1e-9);
            assertEquals(-4 + 0.5 * (k + 0.5), beams.get(k).mlc().bankA()[0], 1e-12);
            assertEquals(-3 + 0.5 * (k + 0.5), beams.get(k).mlc().bankB()[1], 1e-12);
        }
    }

    @Test
    void arcsAreSampledEveryTwoDegreesInTheirDirection() throws Exception {
        for (String dir : new String[] {"CW", "CC"}) {
            PlanBuilder pb = new PlanBuilder("HFS", 2);
            PlanBuilder.BeamBuilder bb = pb.beam("ARC", 50, 6, null)
                    .first(dir.equals("CW") ? 350 : 10, 0, 0, ISO, JAW, JAW, null)
                    .then(0.5, cp -> cp.setDouble(Tag.GantryAngle, VR.DS, dir.equals("CW") ? 0 : 360))
                    .then(1, cp -> cp.setDouble(Tag.GantryAngle, VR.DS, dir.equals("CW") ? 10 : 350));
            bb.firstControlPoint().setString(Tag.GantryRotationDirection, VR.CS, dir);
            List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
            assertEquals(10, beams.size(), dir);
            double sum = 0;
            for (int k = 0; k < 10; k++) {
                double expected = PlanAttributes.angle(dir.equals("CW") ? 351 + 2 * k : 9 - 2 * k);
                assertEquals(expected, beams.get(k).gantryDeg(), 1e-9, dir + " segment " + k);
                sum += beams.get(k).mu();
            }
            assertEquals(100, sum, 1e-9);
        }
    }

    /** DICOM sees the collimator from the source and the couch from above: there CW decreases the IEC angle. */
    @Test
    void collimatorAndCouchDirectionsAreSeenFromTheSourceAndFromAbove() throws Exception {
        int[][] expected = {{10, 170}, {10, 170}}; // CW, CC from 10 to 350 degrees: collimator, couch
        int[] angleTag = {Tag.BeamLimitingDeviceAngle, Tag.PatientSupportAngle};
        int[] directionTag = {Tag.BeamLimitingDeviceRotationDirection, Tag.PatientSupportRotationDirection};
        for (int axis = 0; axis < 2; axis++) {
            for (int d = 0; d < 2; d++) {
                String dir = d == 0 ? "CW" : "CC";
                PlanBuilder pb = new PlanBuilder("HFS", 1);
                int tag = angleTag[axis];
                PlanBuilder.BeamBuilder bb = pb.beam("ROT", 10, 6, null)
                        .first(0, axis == 0 ? 10 : 0, axis == 1 ? 10 : 0, ISO, JAW, JAW, null)
                        .then(1, cp -> cp.setDouble(tag, VR.DS, 350));
                bb.firstControlPoint().setString(directionTag[axis], VR.CS, dir);
                List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
                assertEquals(expected[axis][d], beams.size(), dir + " axis " + axis);
                Beam first = beams.get(0);
                double angle = axis == 0 ? first.collimatorDeg() : first.couchDeg();
                assertEquals(d == 0 ? 9 : 11, angle, 1e-9, dir + " axis " + axis);
            }
        }
    }

    @Test
    void couchAngleIsPatientSupportPlusEccentricAndPositionsAreRead() throws Exception {
        PlanBuilder pb = new PlanBuilder("FFP", 1);
        PlanBuilder.BeamBuilder bb = pb.beam("C", 10, 1.25, null)
                .first(90, 0, 80, ISO, JAW, JAW, null).then(1, cp -> { });
        bb.firstControlPoint().setDouble(Tag.TableTopEccentricAngle, VR.DS, 10);
        TreatmentPlan p = RtPlanReader.read(pb.plan());
        Beam b = p.beams().get(0);
        assertEquals(90, b.couchDeg(), 1e-12);
        assertEquals(Beam.Kind.CO60, b.kind());
        assertEquals(PatientPosition.FFP, b.position());
        assertEquals("FFP", p.patientPosition());
    }

    @Test
    void beamsWithoutMetersetAreSkippedUnread() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 3);
        pb.beam("TREAT", 20, 6, null).first(0, 0, 0, ISO, JAW, JAW, null).then(1, cp -> { });
        pb.beam("KV SETUP", 0, 0.12, null).first(90, 0, 0, ISO, JAW, JAW, null).then(1, cp -> { });
        List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
        assertEquals(1, beams.size());
        assertEquals(60, beams.get(0).mu(), 1e-9);
    }

    @Test
    void hfpPlan() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFP", 1);
        pb.beam("P", 10, 6, null).first(180, 0, 0, ISO, JAW, JAW, null).then(1, cp -> { });
        Beam b = RtPlanReader.read(pb.plan()).beams().get(0);
        assertEquals(PatientPosition.HFP, b.position());
        // gantry 180 on a prone patient: the source is under the table, i.e. anterior (-y) of the patient
        assertTrue(b.sourcePosition()[1] < b.isoY() - 99);
    }

    @Test
    void refusals() throws Exception {
        // the template the refusals break reads as it is
        PlanBuilder good = new PlanBuilder("HFS", 5);
        good.beam("LAO", 100, 6, null).first(45, 0, 0, ISO, JAW, JAW, null).then(1, cp -> { });
        assertEquals(500, RtPlanReader.read(good.plan()).beams().get(0).mu(), 1e-9);
        refuses("beam 1 'LAO': 18 MV photons are not modelled (only 6 MV and Co-60)", pb -> { }, 18);
        refuses("beam 1 'LAO': electron beams are not modelled",
                pb -> beamOf(pb).setString(Tag.RadiationType, VR.CS, "ELECTRON"), 6);
        refuses("beam 1 'LAO': proton beams", pb -> beamOf(pb).setString(Tag.RadiationType, VR.CS, "PROTON"), 6);
        refuses("has 1 wedge; wedges are not modelled", pb -> beamOf(pb).setInt(Tag.NumberOfWedges, VR.IS, 1), 6);
        refuses("has 2 blocks; blocks are not modelled", pb -> beamOf(pb).setInt(Tag.NumberOfBlocks, VR.IS, 2), 6);
        refuses("has 1 bolus; boli are not modelled", pb -> beamOf(pb).setInt(Tag.NumberOfBoli, VR.IS, 1), 6);
        refuses("has 1 compensator", pb -> beamOf(pb).setInt(Tag.NumberOfCompensators, VR.IS, 1), 6);
        refuses("Beam Meterset (300A,0086) is missing", pb -> pb.plan().getItem(Tag.FractionGroupSequence)
                .getItem(Tag.ReferencedBeamSequence).remove(Tag.BeamMeterset), 6);
        refuses("Source-Axis Distance (300A,00B4) is missing", pb -> beamOf(pb).remove(Tag.SourceAxisDistance), 6);
        refuses("Nominal Beam Energy (300A,0114) is missing", pb -> cp0(pb).remove(Tag.NominalBeamEnergy), 6);
        refuses("Isocenter Position (300A,012C) is missing", pb -> cp0(pb).remove(Tag.IsocenterPosition), 6);
        refuses("Primary Dosimeter Unit (300A,00B3) is missing", pb -> beamOf(pb).remove(Tag.PrimaryDosimeterUnit), 6);
        refuses("Primary Dosimeter Unit MINUTE is not modelled",
                pb -> beamOf(pb).setString(Tag.PrimaryDosimeterUnit, VR.CS, "MINUTE"), 6);
        refuses("patient position 'HFDL' is not modelled", pb -> pb.plan().getItem(Tag.PatientSetupSequence)
                .setString(Tag.PatientPosition, VR.CS, "HFDL"), 6);
        refuses("Patient Setup Sequence (300A,0180) is missing", pb -> pb.plan().remove(Tag.PatientSetupSequence), 6);
        refuses("Fraction Group Sequence (300A,0070) is missing", pb -> pb.plan().remove(Tag.FractionGroupSequence), 6);
        refuses("Control Point Sequence (300A,0111) is missing", pb -> beamOf(pb).remove(Tag.ControlPointSequence), 6);
        refuses("Beam Sequence (300A,00B0) is missing", pb -> pb.plan().remove(Tag.BeamSequence), 6);
        refuses("Gantry Angle (300A,011E) is not a number: 'abc'",
                pb -> cp0(pb).setString(Tag.GantryAngle, VR.DS, "abc"), 6);
        refuses("Leaf/Jaw Positions (300A,011C) has 1 values, 2 expected", pb -> cp0(pb)
                .getSequence(Tag.BeamLimitingDevicePositionSequence).get(0).setDouble(Tag.LeafJawPositions, VR.DS, 5), 6);
        refuses("Beam Limiting Device Sequence (300A,00B6) is not a sequence",
                pb -> beamOf(pb).setString(Tag.BeamLimitingDeviceSequence, VR.LO, "junk"), 6);
        refuses("brachytherapy", pb -> pb.plan().newSequence(Tag.ApplicationSetupSequence).addItem(), 6);
        refuses("RT Ion Plan", pb -> pb.plan().setString(Tag.SOPClassUID, VR.UI, UID.RTIonPlanStorage), 6);
        refuses("not an RT Plan", pb -> pb.plan().setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage), 6);
        refuses("the plan delivers no dose", pb -> cp0(pb)
                .getSequence(Tag.BeamLimitingDevicePositionSequence).get(0).setDouble(Tag.LeafJawPositions, VR.DS, 5, 5), 6);
        refuses("fraction group 1 references beam 7", pb -> pb.plan().getItem(Tag.FractionGroupSequence)
                .getItem(Tag.ReferencedBeamSequence).setInt(Tag.ReferencedBeamNumber, VR.IS, 7), 6);
        refuses("Table Top Pitch Angle (300A,0140) of 3 degrees is not modelled",
                pb -> cp0(pb).setDouble(Tag.TableTopPitchAngle, VR.FL, 3), 6);
        refuses("Number of Fractions Planned (300A,0078) is missing", pb -> pb.plan().getItem(Tag.FractionGroupSequence)
                .setNull(Tag.NumberOfFractionsPlanned, VR.IS), 6);
        assertThrows(DoseInputException.class, () -> RtPlanReader.read(new DataSet()));
        assertThrows(DoseInputException.class, () -> RtPlanReader.read(null));
    }

    /** Shaped like dicompyler-core's example: dynamic MLC beams at 6 MV and one at 10 MV -> refused, naming that beam. */
    @Test
    void aMixedEnergyPlanNamesTheBeamItCannotModel() throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 7);
        double[] bounds = {-20, -10, 0, 10, 20};
        double[] energies = {6, 6, 10, 6};
        for (int i = 0; i < 4; i++) {
            pb.beam(i == 2 ? "RAO" : "B" + i, 90, energies[i], bounds)
                    .first(90 * i, 0, 0, ISO, JAW, JAW, new double[] {-10, -10, -10, -10, 10, 10, 10, 10})
                    .then(1, cp -> PlanBuilder.BeamBuilder.positions(cp, null, null,
                            new double[] {0, 0, 0, 0, 20, 20, 20, 20}));
        }
        DoseInputException e = assertThrows(DoseInputException.class, () -> RtPlanReader.read(pb.plan()));
        assertEquals("beam 3 'RAO': 10 MV photons are not modelled (only 6 MV and Co-60)", e.getMessage());
        // without it, the other three read: 90 MU x 7 fractions each, 2 sub-segments per beam (10 mm of travel)
        pb.plan().getSequence(Tag.BeamSequence).get(2).getItem(Tag.ControlPointSequence)
                .setDouble(Tag.NominalBeamEnergy, VR.DS, 6);
        List<Beam> beams = RtPlanReader.read(pb.plan()).beams();
        assertEquals(8, beams.size());
        assertEquals(4 * 90 * 7, beams.stream().mapToDouble(Beam::mu).sum(), 1e-9);
    }

    private static DataSet beamOf(PlanBuilder pb) {
        return pb.plan().getItem(Tag.BeamSequence);
    }

    private static DataSet cp0(PlanBuilder pb) {
        return beamOf(pb).getItem(Tag.ControlPointSequence);
    }

    private static void refuses(String message, Consumer<PlanBuilder> breakIt, double energy) throws Exception {
        PlanBuilder pb = new PlanBuilder("HFS", 5);
        pb.beam("LAO", 100, energy, null).first(45, 0, 0, ISO, JAW, JAW, null).then(1, cp -> { });
        breakIt.accept(pb);
        DoseInputException e = assertThrows(DoseInputException.class, () -> RtPlanReader.read(pb.plan()), message);
        assertTrue(e.getMessage().contains(message), "expected '" + message + "' in: " + e.getMessage());
    }

}
