package org.gridpacs.federation.deid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** De-identification of pydicom's real test files, each checked against Table E.1-1 and read back by DCMTK. */
class DeidentifierTest {
    static final byte[] SECRET = "site A: a test secret of 32 byte".getBytes(StandardCharsets.US_ASCII);
    private static final ConfidentialityProfile TABLE = ConfidentialityProfile.tableE11();

    @TempDir
    Path dir;

    static Stream<Arguments> files() {
        List<Arguments> args = new ArrayList<>();
        String[] names = {"CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtdose.dcm", "rtstruct.dcm", "test-SR.dcm",
            "reportsi.dcm", "waveform_ecg.dcm", "JPEG2000.dcm", "MR_small_bigendian.dcm", "image_dfl.dcm",
            "SC_rgb_rle.dcm", "liver_1frame.dcm"};
        DeidentificationOptions basic = DeidentificationOptions.BASIC;
        for (String n : names) {
            args.add(Arguments.of(n, basic));
            args.add(Arguments.of(n, basic.withRetainLongitudinalFullDates(true).withCleanDescriptors(true)));
        }
        return args.stream();
    }

    static Deidentifier deidentifier(DeidentificationOptions options, String destination) {
        return new Deidentifier(options, Pseudonymizer.forDestination(SECRET, destination));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("files")
    void noIdentifyingValueIsLeft(String name, DeidentificationOptions options) throws Exception {
        Path in = TestData.pydicomFile(name);
        Path out = dir.resolve("out.dcm");
        Instances original = Instances.read(in);
        DeidentifiedInstance result = deidentifier(options, "SITE_B").deidentify(in, out);
        Instances deid = Instances.read(out);

        Map<Integer, Set<String>> removedValues = new HashMap<>();
        Set<String> originalUids = new HashSet<>();
        collect(original.dataSet(), options, removedValues, originalUids);
        List<String> problems = new ArrayList<>();
        check(deid.dataSet(), options, removedValues, originalUids, "", problems);
        assertTrue(problems.isEmpty(), name + ": " + String.join("\n", problems));

        DataSet ds = deid.dataSet();
        assertEquals(ds.getString(Tag.SOPInstanceUID), deid.fileMeta().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals(ds.getString(Tag.SOPClassUID), deid.fileMeta().getString(Tag.MediaStorageSOPClassUID));
        assertEquals(original.transferSyntax(), deid.transferSyntax());
        assertEquals(result.sopInstanceUID(), ds.getString(Tag.SOPInstanceUID));
        assertEquals(original.dataSet().getString(Tag.SOPClassUID), ds.getString(Tag.SOPClassUID));
        assertEquals("YES", ds.getString(Tag.PatientIdentityRemoved));
        Set<String> codes = new HashSet<>();
        for (DataSet item : ds.getSequence(Tag.DeidentificationMethodCodeSequence)) {
            assertEquals("DCM", item.getString(Tag.CodingSchemeDesignator));
            codes.add(item.getString(Tag.CodeValue));
        }
        Set<String> expected = new HashSet<>(Set.of("113100"));
        if (options.retainLongitudinalFullDates()) {
            expected.add("113106");
        }
        if (options.cleanDescriptors()) {
            expected.add("113105");
        }
        assertEquals(expected, codes);
        assertPixelDataUnchanged(original.dataSet(), ds);

        Dcmtk.require();
        Dcmtk.Result dump = Dcmtk.run(60, "dcmdump", "-q", out.toString());
        assertEquals(0, dump.exitCode(), dump.output());
        assertFalse(dump.output().contains("E: "), dump.output());
    }

    /** The original values of what the profile removes or replaces (X, Z, D), and every UID it replaces (U). */
    static void collect(DataSet ds, DeidentificationOptions options, Map<Integer, Set<String>> removed,
                                Set<String> uids) {
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            if (ds.valueAt(k) instanceof Sequence seq) {
                seq.forEach(item -> collect(item, options, removed, uids));
                continue;
            }
            ConfidentialityProfile.Rule rule = TABLE.rule(tag);
            String v = ds.getString(tag);
            if (rule == null || v == null || v.isEmpty()) {
                continue;
            }
            ProfileAction a = rule.action(options).resolved();
            if (a == ProfileAction.U) {
                for (String u : ds.getStrings(tag)) {
                    if (UIDs.typeOf(u) == null) {
                        uids.add(u);
                    }
                }
            } else if (a == ProfileAction.X || a == ProfileAction.Z || a == ProfileAction.D) {
                removed.computeIfAbsent(tag, t -> new HashSet<>()).add(v);
                if (isIdentifier(tag, ds.vrAt(k))) {
                    removed.computeIfAbsent(IDENTIFIERS, t -> new HashSet<>()).add(v);
                }
            }
        }
    }

    /** Key of the values that must appear nowhere in the output: names, IDs, dates, places. */
    private static final int IDENTIFIERS = -1;

    private static boolean isIdentifier(int tag, VR vr) {
        return vr == VR.PN || vr == VR.DA || vr == VR.DT || tag == Tag.PatientID || tag == Tag.OtherPatientIDs
                || tag == Tag.AccessionNumber || tag == Tag.InstitutionName || tag == Tag.InstitutionAddress
                || tag == Tag.StationName || tag == Tag.DeviceSerialNumber || tag == Tag.StudyID;
    }

    /** Walks the output against the table, in sequence items too. */
    static void check(DataSet ds, DeidentificationOptions options, Map<Integer, Set<String>> removed,
                              Set<String> originalUids, String path, List<String> problems) {
        Set<String> anyRemoved = removed.getOrDefault(IDENTIFIERS, Set.of());
        for (int k = 0; k < ds.size(); k++) {
            int tag = ds.tagAt(k);
            String where = path + ElementDictionary.toString(tag);
            if ((tag >>> 16 & 1) == 1) {
                problems.add(where + ": private attribute left");
                continue;
            }
            if ((tag >>> 16 & 0xFF00) == 0x6000 || (tag >>> 16 & 0xFF00) == 0x5000) {
                problems.add(where + ": overlay or curve left");
            }
            Object value = ds.valueAt(k);
            if (value instanceof Sequence seq) {
                ProfileAction a = TABLE.rule(tag) == null ? ProfileAction.K : TABLE.rule(tag).action(options).resolved();
                if (a == ProfileAction.X) {
                    problems.add(where + ": sequence the profile removes is present");
                }
                if (a == ProfileAction.Z && !seq.isEmpty()) {
                    problems.add(where + ": sequence should be empty");
                }
                for (int i = 0; i < seq.size(); i++) {
                    check(seq.get(i), options, removed, originalUids, where + "[" + i + "]", problems);
                }
                continue;
            }
            String v = ds.getString(tag);
            ConfidentialityProfile.Rule rule = TABLE.rule(tag);
            if (rule != null) {
                ProfileAction a = rule.action(options).resolved();
                boolean pseudonym = path.isEmpty() && (tag == Tag.PatientName || tag == Tag.PatientID);
                switch (a) {
                    case X -> problems.add(where + ": present, the profile removes it");
                    case Z -> {
                        if (v != null && !v.isEmpty() && !pseudonym) {
                            problems.add(where + ": not empty: " + v);
                        }
                    }
                    case D -> {
                        if (v == null || v.isEmpty()) {
                            problems.add(where + ": D gives a non-empty dummy");
                        }
                    }
                    case U -> {
                        for (String u : ds.getStrings(tag)) {
                            if (originalUids.contains(u) || !(u.startsWith("2.25.") || UIDs.typeOf(u) != null)) {
                                problems.add(where + ": UID not replaced: " + u);
                            }
                            if (u.length() > 64) {
                                problems.add(where + ": UID too long: " + u);
                            }
                        }
                    }
                    default -> {
                    }
                }
                if (a == ProfileAction.C && v != null && !v.isEmpty()) {
                    for (String r : anyRemoved) {
                        if (r.length() >= 3 && v.contains(r)) {
                            problems.add(where + ": cleaned descriptor still holds \"" + r + "\"");
                        }
                    }
                }
            }
            // no string anywhere equals an original value the profile removed (names, IDs, dates, institution)
            VR vr = ds.vrAt(k);
            if (v != null && v.length() >= 3 && vr.isString() && vr != VR.UI && anyRemoved.contains(v)
                    && (rule == null || rule.action(options).resolved() != ProfileAction.K)) {
                problems.add(where + ": holds the identifying value \"" + v + "\"");
            }
        }
    }

    private static void assertPixelDataUnchanged(DataSet before, DataSet after) {
        Object a = before.getValue(Tag.PixelData);
        Object b = after.getValue(Tag.PixelData);
        if (a == null) {
            assertEquals(null, b);
            return;
        }
        if (a instanceof byte[] x) {
            assertArrayEquals(x, (byte[]) b, "pixel data changed");
            return;
        }
        Fragments fa = (Fragments) a;
        Fragments fb = (Fragments) b;
        assertEquals(fa.size(), fb.size());
        for (int i = 0; i < fa.size(); i++) {
            assertArrayEquals((byte[]) fa.get(i), (byte[]) fb.get(i), "fragment " + i + " changed");
        }
    }

    /**
     * dciodvfy (dicom3tools) finds no error in the output that it did not find in the input. (With the 2021 table,
     * RT Plan's Treatment Machine Name was removed (X) though RT Beams makes it Type 2; 2026d makes it X/Z.)
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "rtdose.dcm",
        "rtstruct.dcm"})
    void dciodvfyFindsNoNewError(String name) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/dciodvfy")), "dciodvfy (Debian dicom3tools, installed by scripts/test)");
        Path in = TestData.pydicomFile(name);
        Path out = dir.resolve("out.dcm");
        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(in, out);
        Set<String> before = errors(in);
        Set<String> after = errors(out);
        after.removeAll(before);
        assertTrue(after.isEmpty(), name + ": new errors " + after);
    }

    @Test
    void rtPlanKeepsTreatmentMachineNameEmpty() throws Exception {
        DataSet original = Instances.read(TestData.pydicomFile("rtplan.dcm")).dataSet();
        assertTrue(machineNames(original).stream().anyMatch(n -> !n.isEmpty()), "the test file names its machine");
        Path out = dir.resolve("plan.dcm");
        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(TestData.pydicomFile("rtplan.dcm"), out);
        List<String> after = machineNames(Instances.read(out).dataSet());
        assertEquals(original.getSequence(Tag.BeamSequence).size(), after.size(), "present in every beam");
        assertTrue(after.stream().allMatch(String::isEmpty), "Z: empty " + after);
    }

    private static List<String> machineNames(DataSet plan) {
        List<String> names = new ArrayList<>();
        for (DataSet beam : plan.getSequence(Tag.BeamSequence)) {
            if (beam.contains(Tag.TreatmentMachineName)) {
                names.add(beam.getString(Tag.TreatmentMachineName, ""));
            }
        }
        return names;
    }

    /** Rows added to Table E.1-1 since the 2021 editions: without them, these values would have been kept. */
    @Test
    void attributesNewSince2021AreHandled() throws Exception {
        Instances ct = Instances.read(TestData.pydicomFile("CT_small.dcm"));
        DataSet ds = ct.dataSet();
        ds.setString(Tag.StationAETitle, VR.AE, "CT_ROOM_3");
        ds.setString(0x00100012, VR.PN, "Jo^Doe"); // Name to Use
        Sequence gender = ds.newSequence(0x00100041); // Gender Identity Sequence
        gender.addItem().setString(0x00100045, VR.LT, "said at the front desk"); // Gender Identity Comment
        ds.setString(Tag.InstanceCreationDate, VR.DA, "20040119");
        Path in = dir.resolve("ct.dcm");
        ct.write(in);
        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(in, dir.resolve("out.dcm"));
        DataSet out = Instances.read(dir.resolve("out.dcm")).dataSet();
        assertFalse(out.contains(Tag.StationAETitle), "Station AE Title: X");
        assertFalse(out.contains(0x00100012), "Name to Use: X");
        assertFalse(out.contains(0x00100041), "Gender Identity Sequence: X");
        assertEquals("19000101", out.getString(Tag.InstanceCreationDate), "Instance Creation Date: X/D");
    }

    private static Set<String> errors(Path file) throws Exception {
        Dcmtk.Result r = Dcmtk.run(60, "dciodvfy", file.toString());
        Set<String> errors = new HashSet<>();
        for (String line : r.output().split("\n")) {
            if (line.startsWith("Error")) {
                errors.add(line.strip());
            }
        }
        return errors;
    }

    @Test
    void burnedInAnnotationIsRefusedUnlessAllowed() throws Exception {
        Instances ct = Instances.read(TestData.pydicomFile("CT_small.dcm"));
        ct.dataSet().setString(Tag.BurnedInAnnotation, VR.CS, "YES");
        Path flagged = dir.resolve("burned.dcm");
        ct.write(flagged);
        DeidentificationRefusedException e = assertThrows(DeidentificationRefusedException.class,
                () -> deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(flagged, dir.resolve("x.dcm")));
        assertTrue(e.getMessage().contains("Burned In Annotation"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("x.dcm")), "nothing written for a refused instance");

        Deidentifier allowing = deidentifier(DeidentificationOptions.BASIC.withAllowBurnedInAnnotation(true), "SITE_B");
        allowing.deidentify(flagged, dir.resolve("y.dcm"));
        Instances out = Instances.read(dir.resolve("y.dcm"));
        assertEquals("YES", out.dataSet().getString(Tag.BurnedInAnnotation), "the flag stays: the pixels are as they were");
        assertPixelDataUnchanged(ct.dataSet(), out.dataSet());
    }

    @Test
    void optionsKeepDatesAndCleanDescriptors() throws Exception {
        Instances ct = Instances.read(TestData.pydicomFile("CT_small.dcm"));
        ct.dataSet().setString(Tag.SeriesDescription, VR.LO, "Chest for CompressedSamples at JFK IMAGING CENTER");
        Path in = dir.resolve("ct.dcm");
        ct.write(in);

        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(in, dir.resolve("basic.dcm"));
        DataSet basic = Instances.read(dir.resolve("basic.dcm")).dataSet();
        assertTrue(basic.contains(Tag.StudyDate) && !basic.containsValue(Tag.StudyDate), "Study Date: Z");
        assertTrue(basic.contains(Tag.AcquisitionDate) && !basic.containsValue(Tag.AcquisitionDate), "X/Z: Z");
        assertEquals("19000101", basic.getString(Tag.InstanceCreationDate), "2026d: X/D, a dummy");
        assertFalse(basic.contains(Tag.SeriesDescription));
        assertEquals("REMOVED", basic.getString(Tag.LongitudinalTemporalInformationModified));

        DeidentificationOptions both = DeidentificationOptions.BASIC.withRetainLongitudinalFullDates(true)
                .withCleanDescriptors(true).withPatient("Study^Subject 7", "SUBJ-7");
        deidentifier(both, "SITE_B").deidentify(in, dir.resolve("both.dcm"));
        DataSet kept = Instances.read(dir.resolve("both.dcm")).dataSet();
        assertEquals("20040119", kept.getString(Tag.StudyDate));
        assertEquals("19970430", kept.getString(Tag.AcquisitionDate));
        assertEquals("UNMODIFIED", kept.getString(Tag.LongitudinalTemporalInformationModified));
        assertEquals("Chest for *** at ***", kept.getString(Tag.SeriesDescription));
        assertEquals("Study^Subject 7", kept.getString(Tag.PatientName));
        assertEquals("SUBJ-7", kept.getString(Tag.PatientID));
        // Institution Name is X/Z/D: a dummy, not the original
        assertEquals(DummyValues.TEXT, kept.getString(Tag.InstitutionName));
    }

    @Test
    void defaultPseudonymIsStablePerDestination() throws Exception {
        Path in = TestData.pydicomFile("CT_small.dcm");
        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(in, dir.resolve("b1.dcm"));
        deidentifier(DeidentificationOptions.BASIC, "SITE_B").deidentify(in, dir.resolve("b2.dcm"));
        deidentifier(DeidentificationOptions.BASIC, "SITE_C").deidentify(in, dir.resolve("c.dcm"));
        DataSet b1 = Instances.read(dir.resolve("b1.dcm")).dataSet();
        DataSet b2 = Instances.read(dir.resolve("b2.dcm")).dataSet();
        DataSet c = Instances.read(dir.resolve("c.dcm")).dataSet();
        assertEquals(b1.getString(Tag.PatientID), b2.getString(Tag.PatientID));
        assertEquals(b1.getString(Tag.SOPInstanceUID), b2.getString(Tag.SOPInstanceUID));
        assertNotEquals(b1.getString(Tag.PatientID), c.getString(Tag.PatientID));
        assertNotEquals(b1.getString(Tag.SOPInstanceUID), c.getString(Tag.SOPInstanceUID));
        assertNotEquals("1CT1", b1.getString(Tag.PatientID));
        assertNotNull(b1.getString(Tag.PatientName));
    }

    @Test
    void freeTextOfStructuredContentBecomesDummies() throws Exception {
        Path out = dir.resolve("sr.dcm");
        Deidentifier.forExport(SECRET, "SITE_B", DeidentificationOptions.BASIC)
                .deidentify(TestData.pydicomFile("reportsi.dcm"), out);
        List<String> texts = new ArrayList<>();
        collectTexts(Instances.read(out).dataSet().getSequence(Tag.ContentSequence), texts);
        assertFalse(texts.isEmpty(), "the report's TEXT and PNAME items are still there");
        for (String t : texts) {
            assertEquals(DummyValues.TEXT, t);
        }
    }

    private static void collectTexts(Sequence items, List<String> texts) {
        for (DataSet item : items) {
            if (item.containsValue(Tag.TextValue)) {
                texts.add(item.getString(Tag.TextValue));
            }
            if (item.containsValue(Tag.PersonName)) {
                texts.add(item.getString(Tag.PersonName));
            }
            if (item.getSequence(Tag.ContentSequence) != null) {
                collectTexts(item.getSequence(Tag.ContentSequence), texts);
            }
        }
    }

    @Test
    void rejectsAShortSecret() {
        assertThrows(IllegalArgumentException.class, () -> Pseudonymizer.forDestination(new byte[8], "SITE_B"));
        if (!Pseudonymizer.forDestination(SECRET, "SITE_B").toString().contains("hidden")) {
            fail("toString must not show the key");
        }
    }
}
