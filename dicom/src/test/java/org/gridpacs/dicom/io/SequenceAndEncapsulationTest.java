package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * Sequences and items of defined and undefined length, sequences hidden in UN elements of undefined length,
 * and encapsulated pixel data, which must pass through with every fragment byte unchanged.
 */
class SequenceAndEncapsulationTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> lengthStyles() {
        List<Arguments> args = new ArrayList<>();
        for (TransferSyntax ts : List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)) {
            for (String style : List.of("defined", "undefined", "mixed")) {
                args.add(Arguments.of(ts, style));
            }
        }
        return args.stream();
    }

    private static BooleanSupplier lengths(String style) {
        Random random = new Random(42);
        return switch (style) {
            case "defined" -> () -> true;
            case "undefined" -> () -> false;
            default -> random::nextBoolean;
        };
    }

    @ParameterizedTest
    @MethodSource("lengthStyles")
    void sequencesReadTheSameWhateverTheirLengthStyle(TransferSyntax ts, String style) throws IOException {
        DataSet expected = Samples.rich();
        byte[] encoded = new TestEncoder(ts).dataSet(expected, lengths(style)).toByteArray();
        Samples.assertSameDataSet(expected, Samples.decode(encoded, ts), ts + ", " + style + " lengths");
    }

    /** Checks the test encoder itself: DCMTK reads its defined-length encoding as what our writer writes. */
    @Test
    @ProcessTest
    void dcmtkAgreesWithTheDefinedLengthEncoding() throws Exception {
        Dcmtk.require();
        TransferSyntax ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        Path defined = tmp.resolve("defined.dcm");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(file);
        out.writeFileMetaInformation(Samples.fmi(ts));
        out.finish();
        file.writeBytes(new TestEncoder(ts).dataSet(Samples.rich(), () -> true).toByteArray());
        Files.write(defined, file.toByteArray());
        Path ours = tmp.resolve("ours.dcm");
        Files.write(ours, Samples.encodePart10(Samples.rich(), ts));
        String dump = Dcmtk.run(60, "dcmdump", defined.toString()).output();
        assertTrue(dump.contains("Sequence with explicit length"), dump);
        assertTrue(dump.contains("Item with explicit length"), dump);
        assertEquals(Dcmtk.normalizedDump(ours), Dcmtk.normalizedDump(defined));
    }

    @Test
    void emptySequencesAndItemsOfDefinedLength() throws IOException {
        TestEncoder e = new TestEncoder(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        e.header(Tag.ReferencedStudySequence, VR.SQ, 0); // empty, defined length 0
        e.header(Tag.SourceImageSequence, VR.SQ, 16).item(0).item(-1).itemEnd(); // empty items, both styles
        e.header(Tag.PatientName, VR.PN, 4).raw("Doe ".getBytes(StandardCharsets.US_ASCII));
        DataSet ds = Samples.decode(e.toByteArray(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertTrue(ds.getSequence(Tag.ReferencedStudySequence).isEmpty());
        Sequence s = ds.getSequence(Tag.SourceImageSequence);
        assertEquals(2, s.size());
        assertTrue(s.get(0).isEmpty() && s.get(1).isEmpty());
        assertEquals("Doe", ds.getString(Tag.PatientName));
    }

    // ---------------------------------------------------------------- UN of undefined length

    /** The expected content of the hidden sequences below. */
    private static DataSet hiddenSequence() {
        DataSet ds = new DataSet();
        Sequence seq = ds.newSequence(Tag.SourceImageSequence);
        DataSet item = seq.addItem();
        Samples.str(item, Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3.4");
        item.newSequence(Tag.PurposeOfReferenceCodeSequence).addItem().setInt(Tag.Rows, VR.US, 0x0102);
        Samples.str(seq.addItem(), Tag.CodeValue, VR.SH, "ABC");
        return ds;
    }

    /**
     * A known sequence sent as UN with undefined length: its items are implicit VR little endian whatever the
     * transfer syntax (PS3.5 6.2.2), and the stream goes on in the transfer syntax after it.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unknownVRWithUndefinedLengthIsReadAsImplicitLittleEndianSequence(boolean bigEndian) throws IOException {
        TestEncoder e = new TestEncoder(true, bigEndian);
        e.element(Tag.PatientID, VR.LO, "ID01".getBytes(StandardCharsets.US_ASCII));
        e.header(Tag.SourceImageSequence, VR.UN, -1);
        // the items, implicit VR little endian, one of defined length, nested sequence of undefined length
        TestEncoder items = new TestEncoder(false, false);
        items.dataSet(hiddenSequence(), new Random(7)::nextBoolean);
        byte[] implicit = items.toByteArray();
        // the test encoder wrote an SQ element for (0008,2112): keep only its items and delimiter
        e.raw(stripSequenceHeader(implicit));
        e.element(Tag.Rows, VR.US, bigEndian ? new byte[] {1, 2} : new byte[] {2, 1}); // back in the transfer syntax
        TransferSyntax ts = bigEndian ? TransferSyntax.EXPLICIT_VR_BIG_ENDIAN : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        DataSet ds = Samples.decode(e.toByteArray(), ts);
        assertEquals(VR.SQ, ds.vrOf(Tag.SourceImageSequence));
        Samples.assertSameDataSet(hiddenSequence().getItem(Tag.SourceImageSequence), ds.getItem(Tag.SourceImageSequence),
                "first item");
        assertEquals(hiddenSequence().getSequence(Tag.SourceImageSequence), ds.getSequence(Tag.SourceImageSequence));
        assertEquals(0x0102, ds.getInt(Tag.Rows, 0));
        assertEquals("ID01", ds.getString(Tag.PatientID));
    }

    /** The implicit encoding of a single SQ element, whose header is 8 bytes, without that header: the items. */
    private static byte[] stripSequenceHeader(byte[] implicitSequence) {
        long len = ByteBuffer.wrap(implicitSequence, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        byte[] items = Arrays.copyOfRange(implicitSequence, 8, implicitSequence.length);
        if (len == 0xFFFFFFFFL) {
            return items; // ends with its own sequence delimiter, which the UN element needs
        }
        // a defined-length sequence: add the delimiter that a UN of undefined length ends with
        return ByteBuffer.allocate(items.length + 8).order(ByteOrder.LITTLE_ENDIAN).put(items)
                .putInt(Tag.SequenceDelimitationItem >>> 16 | Tag.SequenceDelimitationItem << 16).putInt(0).array();
    }

    @Test
    void privateSequenceOfUnknownVR() throws IOException {
        TestEncoder e = new TestEncoder(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        e.element(0x00110010, VR.LO, "ACME".getBytes(StandardCharsets.US_ASCII));
        e.header(0x00111001, VR.UN, -1);
        TestEncoder implicit = new TestEncoder(false, false);
        implicit.item(-1);
        implicit.header(Tag.PatientID, VR.LO, 4).raw("ID02".getBytes(StandardCharsets.US_ASCII));
        implicit.header(0x00111002, VR.UN, 2).raw(new byte[] {5, 6});
        implicit.itemEnd().sequenceEnd();
        e.raw(implicit.toByteArray());
        e.element(0x00111003, VR.UN, new byte[] {7, 8}); // defined length UN: bytes as they are
        DataSet ds = Samples.decode(e.toByteArray(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        DataSet item = ds.getItem(0x00111001);
        assertEquals(VR.SQ, ds.vrOf(0x00111001));
        assertEquals(VR.LO, item.vrOf(Tag.PatientID));
        assertEquals("ID02", item.getString(Tag.PatientID));
        assertEquals(VR.UN, item.vrOf(0x00111002));
        assertArrayEquals(new byte[] {5, 6}, item.getBytes(0x00111002));
        assertArrayEquals(new byte[] {7, 8}, ds.getBytes(0x00111003));
        assertEquals(VR.UN, ds.vrOf(0x00111003));
    }

    /** pydicom's UN_sequence.dcm: a private UN of undefined length holding three levels of sequences. */
    @Test
    void pydicomUnknownVRSequenceFile() throws IOException {
        Samples.Part10 file = Samples.decodePart10(Files.readAllBytes(TestData.pydicomFile("UN_sequence.dcm")));
        DataSet outer = file.dataSet().getItem(0x4453100C);
        assertEquals("1.2.840.113619.2.327.3.185221411.476.1398588725.795", outer.getString(Tag.StudyInstanceUID));
        DataSet series = outer.getItem(Tag.ReferencedSeriesSequence);
        assertEquals("1.2.840.113619.2.327.3.185221411.476.1398588726.276", series.getString(Tag.SeriesInstanceUID));
        assertEquals("1.2.840.113619.2.327.3.185221411.476.1398588726.278.80",
                series.getItem(Tag.ReferencedSOPSequence).getString(Tag.ReferencedSOPInstanceUID));
    }

    // ---------------------------------------------------------------- encapsulated pixel data

    static Stream<String> encapsulatedFiles() {
        return Stream.of("JPEG2000.dcm", "JPEG2000-embedded-sequence-delimiter.dcm", "SC_rgb_jpeg_dcmtk.dcm",
                "SC_rgb_small_odd_jpeg.dcm", "JPEG-lossy.dcm", "MR_small_RLE.dcm", "SC_rgb_rle_2frame.dcm",
                "SC_rgb_rle_16bit_2frame.dcm");
    }

    @ParameterizedTest
    @MethodSource("encapsulatedFiles")
    void encapsulatedPixelDataPassesThroughUntouched(String name) throws Exception {
        byte[] original = Files.readAllBytes(TestData.pydicomFile(name));
        Samples.Part10 read = Samples.decodePart10(original);
        assertTrue(read.ts().encapsulated(), read.ts().toString());

        // the fragments as an independent little parser finds them in the file
        VR vr = lastIndexOf(original, pixelDataHeader(VR.OB)) > 0 ? VR.OB : VR.OW; // OW in some old files
        byte[] header = pixelDataHeader(vr);
        int at = lastIndexOf(original, header);
        assertTrue(at > 0, "encapsulated Pixel Data in " + name);
        List<byte[]> expected = fragments(original, at + header.length);
        Fragments actual = assertInstanceOf(Fragments.class, read.dataSet().getValue(Tag.PixelData));
        assertEquals(vr, read.dataSet().vrOf(Tag.PixelData));
        assertEquals(vr, actual.vr());
        assertEquals(expected.size(), actual.size(), "fragment count (Basic Offset Table included)");
        for (int k = 0; k < expected.size(); k++) {
            assertArrayEquals(expected.get(k), (byte[]) actual.get(k), "fragment " + k);
        }

        // written back: the Pixel Data element is byte for byte the original one
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(bytes);
        out.writeFileMetaInformation(read.fmi());
        out.writeDataSet(read.dataSet());
        out.finish();
        byte[] written = bytes.toByteArray();
        int end = at + header.length + encodedLength(expected) + 8;
        byte[] originalElement = Arrays.copyOfRange(original, at, end);
        int writtenAt = lastIndexOf(written, header);
        assertArrayEquals(originalElement, Arrays.copyOfRange(written, writtenAt, writtenAt + originalElement.length));

        // and what we wrote is again the same data set
        Samples.assertSameDataSet(read.dataSet(), Samples.decodePart10(written).dataSet(), name);
    }

    /** The header of Pixel Data of undefined length in explicit VR little endian. */
    private static byte[] pixelDataHeader(VR vr) {
        return new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, (byte) vr.name().charAt(0), (byte) vr.name().charAt(1), 0, 0,
                -1, -1, -1, -1};
    }

    /** Items (FFFE,E000) up to the Sequence Delimitation Item, as a plain loop over little endian headers. */
    private static List<byte[]> fragments(byte[] file, int pos) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> items = new ArrayList<>();
        while (true) {
            int group = b.getShort(pos) & 0xFFFF;
            int element = b.getShort(pos + 2) & 0xFFFF;
            int len = b.getInt(pos + 4);
            assertEquals(0xFFFE, group);
            if (element == 0xE0DD) {
                return items;
            }
            assertEquals(0xE000, element);
            items.add(Arrays.copyOfRange(file, pos + 8, pos + 8 + len));
            pos += 8 + len;
        }
    }

    private static int encodedLength(List<byte[]> items) {
        return items.stream().mapToInt(i -> 8 + i.length).sum();
    }

    static int lastIndexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = data.length - pattern.length; i >= 0; i--) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
