package org.gridpacs.dose.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RtPlanWriterTest {
    static final DerivedIds IDS = new DerivedIds("job-42", LocalDateTime.of(2026, 12, 6, 14, 3, 9));
    static final String FOR = "1.2.826.0.1.3680043.2.1125.77.1";

    static CtSeries ct() {
        DataSet ps = new DataSet();
        ps.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        ps.setString(Tag.PatientName, VR.PN, "Müller^Hans");
        ps.setString(Tag.PatientID, VR.LO, "P-1");
        ps.setNull(Tag.PatientBirthDate, VR.DA);
        ps.setString(Tag.PatientSex, VR.CS, "M");
        ps.setString(Tag.StudyInstanceUID, VR.UI, "1.2.826.0.1.3680043.2.1125.77.2");
        ps.setString(Tag.StudyDate, VR.DA, "20261201");
        ps.setString(Tag.StudyTime, VR.TM, "101500");
        ps.setNull(Tag.ReferringPhysicianName, VR.PN);
        ps.setString(Tag.StudyID, VR.SH, "S1");
        ps.setNull(Tag.AccessionNumber, VR.SH);
        return new CtSeries(null, "1.2.826.0.1.3680043.2.1125.77.2", "1.2.826.0.1.3680043.2.1125.77.3", FOR, ps);
    }

    static List<Beam> beams() {
        List<Beam> b = new ArrayList<>();
        b.add(Beam.symmetric(Beam.Kind.MV6, 100, 10, 10, 0, 5, 0));
        b.add(new Beam(Beam.Kind.CO60, 37.5, 90, 15, 1.25, -2.5, 3, -3, 5, -4, 2.5, 80));
        Mlc mlc = new Mlc(new double[] {-2, -1, 0, 1, 2}, new double[] {-3, -1.5, 0, -0.25}, new double[] {3, 2, 0, 4.5});
        b.add(new Beam(Beam.Kind.MV6, 12.25, 270, 350, 0, 0, -1, -5, 5, -2, 2, 100, 30, PatientPosition.HFS, mlc));
        return b;
    }

    @Test
    void roundTripGivesTheSameBeams() throws Exception {
        DataSet plan = RtPlanWriter.write(beams(), ct(), "10x10 at SSD 95", IDS);
        TreatmentPlan p = RtPlanReader.read(plan);
        assertEquals(IDS.planSopInstanceUid(), p.sopInstanceUid());
        assertEquals(ct().studyInstanceUid(), p.studyInstanceUid());
        assertEquals(FOR, p.frameOfReferenceUid());
        assertEquals("10x10 at SSD 95", p.label());
        assertEquals("HFS", p.patientPosition());
        assertEquals(1, p.fractions());
        assertEquals(beams().size(), p.beams().size());
        for (int i = 0; i < p.beams().size(); i++) {
            assertSame(beams().get(i), p.beams().get(i));
        }
    }

    static void assertSame(Beam want, Beam got) {
        String m = want.toString() + " vs " + got;
        assertEquals(want.kind(), got.kind(), m);
        double[] a = numbers(want);
        double[] b = numbers(got);
        for (int k = 0; k < a.length; k++) {
            assertEquals(a[k], b[k], 1e-9 * Math.max(1, Math.abs(a[k])), m + " at " + k);
        }
        assertEquals(want.position(), got.position(), m);
        assertEquals(want.mlc() == null, got.mlc() == null, m);
        if (want.mlc() != null) {
            assertArrayEquals(want.mlc().boundaries(), got.mlc().boundaries(), 1e-9, m);
            assertArrayEquals(want.mlc().bankA(), got.mlc().bankA(), 1e-9, m);
            assertArrayEquals(want.mlc().bankB(), got.mlc().bankB(), 1e-9, m);
        }
    }

    private static double[] numbers(Beam b) {
        return new double[] {b.mu(), b.gantryDeg(), b.collimatorDeg(), b.couchDeg(), b.isoX(), b.isoY(), b.isoZ(),
                b.x1(), b.x2(), b.y1(), b.y2(), b.sad()};
    }

    @Test
    void studyPatientAndFrameOfReferenceComeFromTheCt() {
        DataSet plan = RtPlanWriter.write(beams(), ct(), "L", IDS);
        assertEquals("Müller^Hans", plan.getString(Tag.PatientName));
        assertEquals("ISO_IR 100", plan.getString(Tag.SpecificCharacterSet));
        assertEquals(ct().studyInstanceUid(), plan.getString(Tag.StudyInstanceUID));
        assertEquals(IDS.planSeriesUid(), plan.getString(Tag.SeriesInstanceUID));
        assertNotEquals(ct().seriesInstanceUid(), plan.getString(Tag.SeriesInstanceUID));
        assertEquals(UID.RTPlanStorage, plan.getString(Tag.SOPClassUID));
        assertEquals("RTPLAN", plan.getString(Tag.Modality));
        assertEquals("TREATMENT_DEVICE", plan.getString(Tag.RTPlanGeometry));
        assertNull(plan.getSequence(Tag.ReferencedStructureSetSequence));
        assertEquals("20261206", plan.getString(Tag.RTPlanDate));
        assertEquals("140309", plan.getString(Tag.RTPlanTime));
        assertEquals("20261206", plan.getString(Tag.InstanceCreationDate));
        assertEquals(FOR, plan.getString(Tag.FrameOfReferenceUID));
        DataSet beam1 = plan.getSequence(Tag.BeamSequence).get(0);
        assertEquals("MU", beam1.getString(Tag.PrimaryDosimeterUnit));
        assertEquals("PHOTON", beam1.getString(Tag.RadiationType));
        assertEquals("STATIC", beam1.getString(Tag.BeamType));
        assertEquals("1000", beam1.getString(Tag.SourceAxisDistance));
        DataSet cp0 = beam1.getItem(Tag.ControlPointSequence);
        assertArrayEquals(new double[] {0, 50, 0}, cp0.getDoubles(Tag.IsocenterPosition), 1e-12);
        assertEquals("6", cp0.getString(Tag.NominalBeamEnergy));
        assertEquals("100", plan.getItem(Tag.FractionGroupSequence).getItem(Tag.ReferencedBeamSequence)
                .getString(Tag.BeamMeterset));
        assertEquals(3, plan.getSequence(Tag.BeamSequence).get(2).getSequence(Tag.BeamLimitingDeviceSequence).size());
        assertEquals("MLCX", plan.getSequence(Tag.BeamSequence).get(2).getSequence(Tag.BeamLimitingDeviceSequence).get(2)
                .getString(Tag.RTBeamLimitingDeviceType));
    }

    @Test
    void sameInputSameBytes() throws IOException {
        assertArrayEquals(bytes(RtPlanWriter.write(beams(), ct(), "L", IDS)),
                bytes(RtPlanWriter.write(beams(), ct(), "L", IDS)));
        assertNotEquals(bytes(RtPlanWriter.write(beams(), ct(), "L", IDS)).length, 0);
    }

    @Test
    void refusesMixedPositionsAndNoBeams() {
        Beam hfs = Beam.symmetric(Beam.Kind.MV6, 1, 5, 5, 0, 0, 0);
        Beam ffs = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -1, 1, -1, 1, 100, 0, PatientPosition.FFS, null);
        assertThrows(IllegalArgumentException.class, () -> RtPlanWriter.write(List.of(hfs, ffs), ct(), "L", IDS));
        assertThrows(IllegalArgumentException.class, () -> RtPlanWriter.write(List.of(), ct(), "L", IDS));
        TreatmentPlan p = assertDoesNotThrow(List.of(ffs));
        assertEquals("FFS", p.patientPosition());
    }

    private static TreatmentPlan assertDoesNotThrow(List<Beam> beams) {
        try {
            return RtPlanReader.read(RtPlanWriter.write(beams, ct(), "L", IDS));
        } catch (DoseInputException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(DataSet ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DicomOutputStream dos = new DicomOutputStream(out)) {
            dos.setTransferSyntax(org.gridpacs.dicom.io.TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            dos.writeDataSet(ds);
        }
        return out.toByteArray();
    }

    /** dicom3tools' IOD validator finds no error in the generated plan (Debian dicom3tools; scripts/test installs it). */
    @Test
    @ProcessTest
    void dciodvfyFindsNoError(@TempDir Path dir) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/dciodvfy"))) {
            throw new IllegalStateException("dciodvfy is not installed: run ./scripts/test, which installs dicom3tools");
        }
        Path file = dir.resolve("plan.dcm");
        DicomFiles.write(RtPlanWriter.write(beams(), ct(), "L", IDS), file);
        Dcmtk.Result r = Dcmtk.run(60, "dciodvfy", file.toString());
        List<String> errors = r.output().lines().filter(l -> l.startsWith("Error")).toList();
        assertTrue(errors.isEmpty(), r.output());
    }

    /** pydicom (Debian python3-pydicom) reads the written file and sees the beams. */
    @Test
    @ProcessTest
    void pydicomReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plan.dcm");
        DicomFiles.write(RtPlanWriter.write(beams(), ct(), "L", IDS), file);
        Dcmtk.Result r = Dcmtk.run(60, "/usr/bin/python3", "-c", "import sys, pydicom; d = pydicom.dcmread(sys.argv[1]);"
                + " print(ascii(str(d.PatientName)), d.RTPlanGeometry, len(d.BeamSequence),"
                + " d.FractionGroupSequence[0].ReferencedBeamSequence[1].BeamMeterset,"
                + " d.BeamSequence[2].ControlPointSequence[0].BeamLimitingDevicePositionSequence[2].LeafJawPositions[7])",
                file.toString());
        assertEquals(0, r.exitCode(), r.output());
        // the name decoded with the Specific Character Set (ISO_IR 100), printed as ASCII escapes
        assertEquals("'M\\xfcller^Hans' TREATMENT_DEVICE 3 37.5 45", r.output().strip());
    }
}
