package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * The data set of {@link Samples#rich()} written and read back in each native transfer syntax, bare and as a
 * Part 10 file, checked against itself and against DCMTK in both directions (dcmdump reads what we write,
 * we read what dcmconv writes).
 */
class TransferSyntaxRoundTripTest {
    @TempDir
    Path tmp;

    static Stream<TransferSyntax> syntaxes() {
        return Samples.NATIVE.stream();
    }

    @ParameterizedTest
    @MethodSource("syntaxes")
    void bareDataSetRoundTrips(TransferSyntax ts) throws IOException {
        DataSet original = Samples.rich();
        byte[] encoded = Samples.encode(original, ts);
        DataSet read = Samples.decode(encoded, ts);
        Samples.assertSameDataSet(original, read, ts.name());
        assertEquals("M\u00fcller^Bj\u00f6rn", read.getString(Tag.PatientName));
        assertNull(read.getValue(Tag.PatientBirthDate));
        assertTrue(read.contains(Tag.PatientBirthDate), "empty element kept");
        assertTrue(read.getSequence(Tag.ReferencedStudySequence).isEmpty(), "empty sequence kept");
        // what we write we also write again identically
        assertArrayEquals(encoded, Samples.encode(read, ts));
    }

    @ParameterizedTest
    @MethodSource("syntaxes")
    void part10FileRoundTrips(TransferSyntax ts) throws IOException {
        DataSet original = Samples.rich();
        Samples.Part10 read = Samples.decodePart10(Samples.encodePart10(original, ts));
        assertEquals(ts, read.ts());
        assertEquals(ts.uid(), read.fmi().getString(Tag.TransferSyntaxUID));
        assertEquals(Samples.SOP_INSTANCE, read.fmi().getString(Tag.MediaStorageSOPInstanceUID));
        assertEquals("TESTSCU", read.fmi().getString(Tag.SourceApplicationEntityTitle));
        Samples.assertSameDataSet(original, read.dataSet(), ts.name());
    }

    @ParameterizedTest
    @MethodSource("syntaxes")
    void transferSyntaxIsTakenFromTheDataSetWhenThereIsNoMetaInformation(TransferSyntax ts) throws IOException {
        if (ts.deflated()) {
            return; // a bare deflated stream has nothing to recognise: the caller must say
        }
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(Samples.encode(Samples.rich(), ts)))) {
            assertNull(in.readFileMetaInformation());
            assertEquals(ts, in.transferSyntax());
            Samples.assertSameDataSet(Samples.rich(), in.readDataSet(), ts.name());
        }
    }

    @Test
    void bigEndianValuesAreSwappedOnTheWireAndBack() throws IOException {
        TransferSyntax be = TransferSyntax.EXPLICIT_VR_BIG_ENDIAN;
        byte[] wire = Samples.encode(Samples.rich(), be);
        String hex = HexFormat.of().formatHex(wire);
        // (0018,1310) US, length 8: 0x0102 256 65535 0, each big endian
        assertTrue(hex.contains("00181310" + "5553" + "0008" + "0102" + "0100" + "ffff" + "0000"), "US on the wire");
        // (0028,0009) AT: (0018,1063)\(0018,1065), group and element each big endian
        assertTrue(hex.contains("00280009" + "4154" + "0008" + "00181063" + "00181065"), "AT on the wire");
        // (0018,9442) SS -5 300 -32768 32767
        assertTrue(hex.contains("00189442" + "5353" + "0008" + "fffb" + "012c" + "8000" + "7fff"), "SS on the wire");
        // (0008,1161) UL 1 0x01020304 0xFFFFFFFF
        assertTrue(hex.contains("00081161" + "554c" + "000c" + "00000001" + "01020304" + "ffffffff"), "UL on the wire");
        // (0018,6060) FL 1.5: 0x3FC00000
        assertTrue(hex.contains("00186060" + "464c" + "000c" + "3fc00000"), "FL on the wire");
        // (0018,9089) FD 0.5: 0x3FE0000000000000
        assertTrue(hex.contains("00189089" + "4644" + "0018" + "3fe0000000000000"), "FD on the wire");
        // (7FE0,0010) OW, 32 bytes: first words 0x0102 0x0304
        assertTrue(hex.contains("7fe00010" + "4f57" + "0000" + "00000020" + "01020304"), "OW on the wire");

        DataSet read = Samples.decode(wire, be);
        assertArrayEquals(Samples.ACQUISITION_MATRIX, read.getInts(Tag.AcquisitionMatrix));
        assertArrayEquals(Samples.VERTICES, read.getInts(Tag.VerticesOfThePolygonalExposureControlSensingRegion));
        assertArrayEquals(Samples.FRAME_LIST, read.getInts(Tag.SimpleFrameList));
        assertEquals(4294967295.0, read.getDoubles(Tag.SimpleFrameList)[2]);
        assertArrayEquals(Samples.R_WAVE, read.getDoubles(Tag.RWaveTimeVector));
        assertArrayEquals(Samples.GRADIENT, read.getDoubles(Tag.DiffusionGradientOrientation));
        assertArrayEquals(Samples.FRAME_POINTERS, read.getInts(Tag.FrameIncrementPointer));
        assertEquals("00181063\\00181065", read.getString(Tag.FrameIncrementPointer));
        assertEquals(0x1234, read.getInt(Samples.PRIVATE_US, 0));
        assertEquals(-100000, read.getInt(Samples.PRIVATE_SL, 0));
        assertEquals(4660, read.getSequence(Tag.SourceImageSequence).get(1).getInt(Tag.Rows, 0));
        int[] pixels = read.getInts(Tag.PixelData);
        assertEquals(0x0102, pixels[0]);
        assertEquals(0x1F20, pixels[15]);
    }

    @Test
    void attributeTagsAreGroupThenElementInLittleEndian() throws IOException {
        byte[] wire = Samples.encode(Samples.rich(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        String hex = HexFormat.of().formatHex(wire);
        assertTrue(hex.contains("28000900" + "4154" + "0800" + "18006310" + "18006510"), "AT on the wire");
    }

    @Test
    void oddLengthValuesArePaddedWithTheirVRsPaddingByte() throws IOException {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPInstanceUID, VR.UI, "1.2.3");
        ds.setString(Tag.PatientName, VR.PN, "Doe");
        ds.setBytes(Tag.EncapsulatedDocument, VR.OB, new byte[] {1, 2, 3});
        for (TransferSyntax ts : Samples.NATIVE) {
            DataSet read = Samples.decode(Samples.encode(ds, ts), ts);
            assertArrayEquals(new byte[] {'1', '.', '2', '.', '3', 0}, read.getBytes(Tag.SOPInstanceUID), ts.name());
            assertArrayEquals(new byte[] {'D', 'o', 'e', ' '}, read.getBytes(Tag.PatientName), ts.name());
            assertArrayEquals(new byte[] {1, 2, 3, 0}, read.getBytes(Tag.EncapsulatedDocument), ts.name());
            assertEquals("1.2.3", read.getString(Tag.SOPInstanceUID));
            assertEquals("Doe", read.getString(Tag.PatientName));
        }
    }

    /** In implicit VR a private element's VR comes from its creator's dictionary; unknown creators give UN. */
    @Test
    void implicitPrivateElementsTakeTheirVRFromTheirCreator() throws IOException {
        TestEncoder e = new TestEncoder(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        // a character set nobody knows must not get in the way of looking up the creator
        e.element(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 999\\BOGUS".getBytes(StandardCharsets.US_ASCII));
        e.element(Samples.PRIVATE_CREATOR, VR.LO, "GEMS_IDEN_01 ".getBytes(StandardCharsets.US_ASCII));
        e.element(0x00090011, VR.LO, "ACME 1.0".getBytes(StandardCharsets.US_ASCII));
        e.element(Samples.PRIVATE_US, VR.US, new byte[] {0x34, 0x12});
        e.element(Samples.PRIVATE_SL, VR.SL, new byte[] {0x60, 0x79, (byte) 0xFE, (byte) 0xFF});
        e.element(0x00091120, VR.UN, new byte[] {0x34, 0x12}); // same element number in the ACME block
        DataSet ds = Samples.decode(e.toByteArray(), TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        assertEquals(VR.LO, ds.vrOf(Samples.PRIVATE_CREATOR));
        assertEquals(VR.US, ds.vrOf(Samples.PRIVATE_US));
        assertEquals(0x1234, ds.getInt(Samples.PRIVATE_US, 0));
        assertEquals(VR.SL, ds.vrOf(Samples.PRIVATE_SL));
        assertEquals(-100000, ds.getInt(Samples.PRIVATE_SL, 0));
        assertEquals(VR.UN, ds.vrOf(0x00091120));
    }

    // ---------------------------------------------------------------- DCMTK reads what we write

    /** Lines of dcmdump that must appear (leading indentation and the trailing "# length, VM name" left out). */
    private static final List<String> EXPECTED_DUMP = List.of(
            "(0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]",
            "(0008,1110) SQ (Sequence with undefined length #=0)",
            "(0008,1161) UL 1\\16909060\\4294967295",
            "(0008,1155) UI [1.2.3.4.5.6]",
            "(0008,0104) LO [Uncompressed predecessor]",
            "(0008,0100) SH [R-1234]", // third level of nesting
            "(0028,0010) US 4660", // in the second item
            "(0009,0010) LO [GEMS_IDEN_01]",
            "(0009,1020) US 4660",
            "(0009,1027) SL -100000",
            "(0010,0010) PN [M\u00fcller^Bj\u00f6rn]",
            "(0010,0030) DA (no value available)",
            "(0018,1310) US 258\\256\\65535\\0",
            "(0018,6060) FL 1.5\\-2.25\\30000000",
            "(0018,9442) SS -5\\300\\-32768\\32767",
            "(0028,0009) AT (0018,1063)\\(0018,1065)",
            "(0028,0010) US 4",
            "(7fe0,0010) OW 0102\\0304\\0506\\0708\\090a\\0b0c\\0d0e\\0f10\\1112\\1314\\1516\\1718\\191a\\1b1c\\1d1e\\1f20");

    @ParameterizedTest
    @MethodSource("syntaxes")
    @ProcessTest
    void dcmdumpReadsOurPart10File(TransferSyntax ts) throws Exception {
        Dcmtk.require();
        Path file = tmp.resolve("rich.dcm");
        Files.write(file, Samples.encodePart10(Samples.rich(), ts));
        List<String> lines = dump("dcmdump", "+L", file.toString());
        assertTrue(lines.contains("(0002,0010) UI =" + dcmtkName(ts)), "transfer syntax in the meta header: " + lines);
        assertContainsAll(lines, EXPECTED_DUMP);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("(0018,9089) FD 0.5\\-0.25\\9.99999999999999")), "FD values");
    }

    @ParameterizedTest
    @MethodSource("syntaxes")
    @ProcessTest
    void dcmdumpReadsOurBareDataSet(TransferSyntax ts) throws Exception {
        if (ts.deflated()) {
            return; // dcmdump cannot be told that a bare data set is deflated
        }
        Dcmtk.require();
        Path file = tmp.resolve("rich.bin");
        Files.write(file, Samples.encode(Samples.rich(), ts));
        String option = ts.bigEndian() ? "-tb" : ts.explicitVR() ? "-te" : "-ti";
        assertContainsAll(dump("dcmdump", "+L", "-f", option, file.toString()), EXPECTED_DUMP);
    }

    private static String dcmtkName(TransferSyntax ts) {
        return ts.bigEndian() ? "BigEndianExplicit" : ts.deflated() ? "DeflatedLittleEndianExplicit"
                : ts.explicitVR() ? "LittleEndianExplicit" : "LittleEndianImplicit";
    }

    // ---------------------------------------------------------------- we read what DCMTK writes

    static Stream<Arguments> dcmconvOptions() {
        return Stream.of(
                Arguments.of("+tb", TransferSyntax.EXPLICIT_VR_BIG_ENDIAN),
                Arguments.of("+td", TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN),
                Arguments.of("+ti", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN),
                Arguments.of("+te", TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
    }

    /** dcmconv writes sequences and items with defined length by default, which our writer never does. */
    @ParameterizedTest
    @MethodSource("dcmconvOptions")
    @ProcessTest
    void weReadWhatDcmconvWrites(String option, TransferSyntax expected) throws Exception {
        Dcmtk.require();
        DataSet original = Samples.rich();
        Path in = tmp.resolve("in.dcm");
        Path out = tmp.resolve("out.dcm");
        Files.write(in, Samples.encodePart10(original, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        Dcmtk.Result r = Dcmtk.run(60, "dcmconv", option, in.toString(), out.toString());
        assertEquals(0, r.exitCode(), r.output());
        Samples.Part10 read = Samples.decodePart10(Files.readAllBytes(out));
        assertEquals(expected, read.ts());
        Samples.assertSameDataSet(original, read.dataSet(), "dcmconv " + option);
        assertArrayEquals(Samples.ACQUISITION_MATRIX, read.dataSet().getInts(Tag.AcquisitionMatrix));
        assertArrayEquals(Samples.FRAME_POINTERS, read.dataSet().getInts(Tag.FrameIncrementPointer));
    }

    /** Also the other way round: from DCMTK's big endian and implicit files to each of our syntaxes and back. */
    @Test
    @ProcessTest
    void dcmconvBigEndianAndImplicitFilesSurviveOurRewriting() throws Exception {
        Dcmtk.require();
        DataSet original = Samples.rich();
        Path in = tmp.resolve("in.dcm");
        Files.write(in, Samples.encodePart10(original, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        for (String option : List.of("+tb", "+ti")) {
            Path dcmtk = tmp.resolve("dcmtk" + option.substring(1) + ".dcm");
            assertEquals(0, Dcmtk.run(60, "dcmconv", option, in.toString(), dcmtk.toString()).exitCode());
            DataSet fromDcmtk = Samples.decodePart10(Files.readAllBytes(dcmtk)).dataSet();
            for (TransferSyntax ts : Samples.NATIVE) {
                Path ours = tmp.resolve("ours.dcm");
                Files.write(ours, Samples.encodePart10(fromDcmtk, ts));
                assertEquals(Dcmtk.normalizedDump(dcmtk), Dcmtk.normalizedDump(ours), option + " -> " + ts);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> dump(String... command) throws Exception {
        Dcmtk.Result r = Dcmtk.run(60, command);
        assertEquals(0, r.exitCode(), r.output());
        List<String> lines = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            String t = line.strip();
            int hash = t.lastIndexOf(" #");
            lines.add(hash > 0 ? t.substring(0, hash).strip() : t);
        }
        return lines;
    }

    private static void assertContainsAll(List<String> lines, List<String> expected) {
        for (String e : expected) {
            assertNotNull(e);
            assertTrue(lines.contains(e), "dcmdump shows <" + e + ">; its output:\n" + String.join("\n", lines));
        }
    }
}
