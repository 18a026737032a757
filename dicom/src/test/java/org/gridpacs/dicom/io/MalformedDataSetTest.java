package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Broken input: truncated at every byte, lengths far beyond the stream, sequences nested without end, and
 * garbage. The reader must fail with an {@link IOException} ({@link EOFException} or
 * {@link DicomStreamException}) that says what is wrong, quickly and without large allocations.
 */
class MalformedDataSetTest {
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final long HUGE = 0xFFFFFFF0L;

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------- truncation

    /**
     * Every prefix of a Part 10 file fails, except prefixes that end exactly between two top-level elements after
     * the Transfer Syntax UID: those read as the elements before the cut.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99"})
    void everyTruncationOfAPart10FileFailsCleanly(String tsuid) throws IOException {
        TransferSyntax ts = TransferSyntax.of(tsuid);
        DataSet ds = Samples.rich();
        byte[] file = Samples.encodePart10(ds, ts);
        int dataSetStart = Samples.encodePart10(new DataSet(), ts).length;
        Map<Integer, DataSet> boundaries = new HashMap<>();
        for (int at : metaBoundariesAfterTransferSyntax(file, dataSetStart)) {
            boundaries.put(at, new DataSet());
        }
        if (!ts.deflated()) { // in a deflated stream the inflater reports any cut
            for (int k = 0; k <= ds.size(); k++) {
                boundaries.put(dataSetStart + Samples.encode(prefix(ds, k), ts).length, prefix(ds, k));
            }
        } else if (deflateEndsBefore(file, 144 + ByteBuffer.wrap(file, 140, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(),
                file.length - 1)) { // the deflate stream starts after the meta group, whose length is at byte 140
            boundaries.put(file.length - 1, ds); // only the NUL padding the stream to even length (PS3.5 A.5) is cut
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int cut = 0; cut < file.length; cut++) {
                byte[] truncated = Arrays.copyOf(file, cut);
                expectFailureUnlessBoundary(cut, boundaries, () -> Samples.decodePart10(truncated).dataSet(), ts);
            }
        });
    }

    /** The same for bare data sets, including sequences and items of defined length and encapsulated pixel data. */
    @Test
    void everyTruncationOfABareDataSetFailsCleanly() throws IOException {
        for (TransferSyntax ts : List.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN)) {
            DataSet ds = Samples.rich();
            byte[] definedLengths = new TestEncoder(ts).dataSet(ds, () -> true).toByteArray();
            Map<Integer, DataSet> boundaries = new HashMap<>();
            for (int k = 0; k <= ds.size(); k++) {
                boundaries.put(new TestEncoder(ts).dataSet(prefix(ds, k), () -> true).size(), prefix(ds, k));
            }
            for (int cut = 0; cut < definedLengths.length; cut++) {
                byte[] truncated = Arrays.copyOf(definedLengths, cut);
                expectFailureUnlessBoundary(cut, boundaries, () -> Samples.decode(truncated, ts), ts);
            }
        }
        DataSet encapsulated = Samples.encapsulated();
        TransferSyntax ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        byte[] bytes = Samples.encode(encapsulated, ts);
        Map<Integer, DataSet> boundaries = new HashMap<>();
        for (int k = 0; k <= encapsulated.size(); k++) {
            boundaries.put(Samples.encode(prefix(encapsulated, k), ts).length, prefix(encapsulated, k));
        }
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            expectFailureUnlessBoundary(cut, boundaries, () -> Samples.decode(truncated, ts), ts);
        }
    }

    /**
     * Files cut inside a value that the reader skips (bulk data, group lengths): a {@link FileInputStream} skips
     * past its end without complaint, yet the reader must notice the file is too short.
     */
    @Test
    void truncatedFileInsideSkippedValuesFails() throws IOException {
        DataSet ds = HeaderStreamingTest.withIcon();
        byte[] file = Samples.encodePart10(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        int pixelData = SequenceAndEncapsulationTest.lastIndexOf(file, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
        Path cut = tmp.resolve("cut.dcm");
        for (int end : new int[] {pixelData + 13, pixelData + 12 + 4096, file.length - 20}) {
            Files.write(cut, Arrays.copyOf(file, end));
            try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FileInputStream(cut.toFile())))) {
                in.readFileMetaInformation();
                in.setBulkDataThreshold(256);
                IOException e = assertThrows(IOException.class, in::readDataSet, "file cut at " + end + " of " + file.length);
                assertMessage(e);
            }
        }
        // a group length whose value runs past the end of the file
        TestEncoder implicit = new TestEncoder(false, false);
        implicit.header(Tag.PatientName, VR.PN, 4).raw("Doe ".getBytes(StandardCharsets.US_ASCII));
        implicit.header(0x00200000, VR.UL, 100_000).raw(new byte[] {4, 0, 0, 0});
        Files.write(cut, implicit.toByteArray());
        try (DicomInputStream in = new DicomInputStream(new FileInputStream(cut.toFile()))) {
            in.setTransferSyntax(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
            assertMessage(assertThrows(EOFException.class, in::readDataSet));
        }
    }

    private interface Read {
        DataSet read() throws IOException;
    }

    /** Reading fails cleanly, or the cut is one of {@code boundaries} and what is read is the data set mapped to it. */
    private static void expectFailureUnlessBoundary(int cut, Map<Integer, DataSet> boundaries, Read read,
                                                    TransferSyntax ts) {
        DataSet result;
        try {
            result = read.read();
        } catch (EOFException | DicomStreamException e) {
            assertMessage(e);
            return;
        } catch (IOException e) {
            if (!ts.deflated()) {
                fail("cut at " + cut + ": " + e + " is neither EOFException nor DicomStreamException", e);
            }
            assertMessage(e); // the inflater's own ZipException
            return;
        } catch (RuntimeException | Error e) {
            fail("cut at " + cut + " of a " + ts + " stream: " + e, e);
            return;
        }
        DataSet expected = boundaries.get(cut);
        if (expected == null) {
            fail("cut at " + cut + " of a " + ts + " stream (not between two elements) was read without error: " + result);
        }
        Samples.assertSameDataSet(expected, result, "cut at " + cut);
    }

    /** Offsets in a Part 10 file just after each File Meta Information element from the Transfer Syntax UID on. */
    /** True when the raw deflate stream starting at {@code from} is complete within {@code [from, to)}. */
    private static boolean deflateEndsBefore(byte[] b, int from, int to) {
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        try {
            inflater.setInput(b, from, to - from);
            byte[] out = new byte[64 * 1024];
            while (!inflater.finished() && !inflater.needsInput()) {
                inflater.inflate(out);
            }
            return inflater.finished();
        } catch (java.util.zip.DataFormatException e) {
            return false;
        } finally {
            inflater.end();
        }
    }

    private static TreeSet<Integer> metaBoundariesAfterTransferSyntax(byte[] file, int end) {
        TreeSet<Integer> boundaries = new TreeSet<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 132;
        while (pos < end) {
            int element = b.getShort(pos + 2) & 0xFFFF;
            String vr = new String(file, pos + 4, 2, StandardCharsets.US_ASCII);
            boolean longForm = vr.equals("OB") || vr.equals("UN") || vr.equals("UT") || vr.equals("SQ");
            pos += longForm ? 12 + b.getInt(pos + 8) : 8 + (b.getShort(pos + 6) & 0xFFFF);
            if (element >= 0x0010) {
                boundaries.add(pos);
            }
        }
        return boundaries;
    }

    private static DataSet prefix(DataSet ds, int count) {
        DataSet p = ds.copy();
        while (p.size() > count) {
            p.remove(p.tagAt(p.size() - 1));
        }
        return p;
    }

    static void assertMessage(Throwable e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "no message in " + e);
    }

    // ---------------------------------------------------------------- lengths beyond the stream

    private static byte[] withHugeLength(String kind, long length) {
        TestEncoder e = new TestEncoder(!kind.startsWith("implicit"), false);
        e.header(Tag.PatientID, VR.LO, 4).raw("ID01".getBytes(StandardCharsets.US_ASCII));
        switch (kind) {
            case "OB" -> e.header(Tag.EncapsulatedDocument, VR.OB, length);
            case "UT" -> e.header(Tag.TextValue, VR.UT, length);
            case "implicit PN" -> e.header(Tag.PatientName, VR.PN, length);
            case "implicit group length" -> e.header(0x00200000, VR.UL, length);
            case "SQ" -> e.header(Tag.SourceImageSequence, VR.SQ, length).item(UNDEFINED);
            case "item" -> e.header(Tag.SourceImageSequence, VR.SQ, UNDEFINED).item(length);
            case "element in item" -> e.header(Tag.SourceImageSequence, VR.SQ, UNDEFINED).item(UNDEFINED)
                    .header(Tag.ReferencedSOPInstanceUID, VR.UN, length);
            case "fragment" -> e.header(Tag.PixelData, VR.OB, UNDEFINED).item(0).item(length);
            default -> throw new IllegalArgumentException(kind);
        }
        return e.raw(new byte[200]).toByteArray();
    }

    /** 0xFFFFFFF0 and 0x7FFFFFF0 bytes claimed in a stream of a few hundred: fails, allocating next to nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"OB", "UT", "implicit PN", "implicit group length", "SQ", "item", "element in item", "fragment"})
    void lengthBeyondTheStreamAllocatesLittle(String kind) throws IOException {
        for (long length : new long[] {HUGE, 0x7FFFFFF0L, 0x10000000L}) {
            for (long threshold : new long[] {Long.MAX_VALUE, 1024}) {
                byte[] bytes = withHugeLength(kind, length);
                TransferSyntax ts = kind.startsWith("implicit") ? TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN
                        : TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
                Path file = tmp.resolve("huge.bin");
                Files.write(file, bytes);
                for (boolean fromFile : new boolean[] {false, true}) {
                    long before = allocatedBytes();
                    try (InputStream raw = fromFile ? new FileInputStream(file.toFile()) : new ByteArrayInputStream(bytes);
                         DicomInputStream in = new DicomInputStream(raw)) {
                        in.setTransferSyntax(ts);
                        in.setBulkDataThreshold(threshold);
                        IOException e = assertThrows(IOException.class, in::readDataSet,
                                kind + " of length " + length + ", bulk data threshold " + threshold);
                        assertTrue(e instanceof EOFException || e instanceof DicomStreamException, e.toString());
                        assertMessage(e);
                    }
                    long allocated = allocatedBytes() - before;
                    assertTrue(allocated < 16 << 20, kind + " of length " + length + ": " + allocated + " bytes allocated");
                }
            }
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    // ---------------------------------------------------------------- nesting

    /** Sequences nested {@code depth} deep, each holding one item with one element, then the sequence below. */
    private static byte[] nested(int depth, boolean definedLengths, boolean asUN) {
        TestEncoder e = new TestEncoder(!asUN, false);
        byte[] inner = new TestEncoder(!asUN, false).header(Tag.CodeValue, VR.SH, 4)
                .raw("LEAF".getBytes(StandardCharsets.US_ASCII)).toByteArray();
        for (int level = 0; level < depth; level++) {
            TestEncoder seq = new TestEncoder(!asUN, false);
            if (definedLengths) {
                seq.header(Tag.ContentSequence, VR.SQ, inner.length + 8).item(inner.length).raw(inner);
            } else {
                seq.header(Tag.ContentSequence, VR.SQ, UNDEFINED).item(UNDEFINED).raw(inner).itemEnd().sequenceEnd();
            }
            inner = seq.toByteArray();
        }
        if (!asUN) {
            return inner;
        }
        // the outermost sequence as UN of undefined length in an explicit VR stream: all inside is implicit
        TestEncoder un = new TestEncoder(true, false);
        un.header(Tag.ContentSequence, VR.UN, UNDEFINED).raw(Arrays.copyOfRange(inner, 8, inner.length));
        if (definedLengths) {
            un.sequenceEnd(); // the UN element itself has undefined length
        }
        return un.toByteArray();
    }

    @Test
    void sequencesNestedAThousandDeepAreRejected() {
        for (boolean defined : new boolean[] {false, true}) {
            for (boolean asUN : new boolean[] {false, true}) {
                byte[] bytes = nested(1000, defined, asUN);
                DicomStreamException e = assertThrows(DicomStreamException.class,
                        () -> Samples.decode(bytes, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
                        "defined lengths " + defined + ", UN " + asUN);
                assertTrue(e.getMessage().contains("nested"), e.getMessage());
            }
        }
    }

    @Test
    void sequencesNestedFortyDeepAreRead() throws IOException {
        for (boolean defined : new boolean[] {false, true}) {
            for (boolean asUN : new boolean[] {false, true}) {
                DataSet ds = Samples.decode(nested(40, defined, asUN), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
                int depth = 0;
                while (ds.getItem(Tag.ContentSequence) != null) {
                    ds = ds.getItem(Tag.ContentSequence);
                    depth++;
                }
                assertEquals(40, depth);
                assertEquals("LEAF", ds.getString(Tag.CodeValue));
            }
        }
    }

    // ---------------------------------------------------------------- structure errors and garbage

    @Test
    void structuralErrorsAreDicomStreamExceptions() {
        TransferSyntax ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN;
        List<byte[]> cases = new ArrayList<>();
        // an item outside any sequence
        cases.add(new TestEncoder(ts).item(4).raw(new byte[4]).toByteArray());
        // something other than an item in a sequence
        cases.add(new TestEncoder(ts).header(Tag.SourceImageSequence, VR.SQ, UNDEFINED)
                .header(Tag.PatientID, VR.LO, 2).raw(new byte[2]).toByteArray());
        // VR bytes that are no VR
        cases.add(new TestEncoder(ts).tag(Tag.PatientID).raw((byte) 0x01, (byte) 0x7F).u16(2).raw(new byte[2]).toByteArray());
        // undefined length for a text value
        cases.add(new TestEncoder(ts).header(Tag.TextValue, VR.UT, UNDEFINED).raw(new byte[8]).toByteArray());
        // an item whose elements run past its defined length
        cases.add(new TestEncoder(ts).header(Tag.SourceImageSequence, VR.SQ, UNDEFINED).item(6)
                .header(Tag.PatientID, VR.LO, 2).raw(new byte[2]).sequenceEnd().toByteArray());
        // items running past the defined length of their sequence
        cases.add(new TestEncoder(ts).header(Tag.SourceImageSequence, VR.SQ, 12).item(UNDEFINED)
                .header(Tag.PatientID, VR.LO, 8).raw(new byte[8]).itemEnd().toByteArray());
        // a fragment of undefined length in encapsulated pixel data
        cases.add(new TestEncoder(ts).header(Tag.PixelData, VR.OB, UNDEFINED).item(UNDEFINED).raw(new byte[8]).toByteArray());
        for (int k = 0; k < cases.size(); k++) {
            byte[] bytes = cases.get(k);
            DicomStreamException e = assertThrows(DicomStreamException.class, () -> Samples.decode(bytes, ts), "case " + k);
            assertMessage(e);
        }
    }

    @Test
    void metaInformationWithAnUnusableTransferSyntax() throws IOException {
        for (String uid : new String[] {"\t", " \n", ""}) {
            DataSet fmi = Samples.fmi(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            fmi.setBytes(Tag.TransferSyntaxUID, VR.UI, uid.getBytes(StandardCharsets.US_ASCII));
            // writeFileMetaInformation refuses such a UID: write preamble and group 0002 as a plain data set
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            DicomOutputStream out = new DicomOutputStream(bytes);
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            bytes.writeBytes(new byte[128]);
            bytes.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
            out.writeDataSet(fmi);
            out.finish();
            byte[] file = Arrays.copyOf(bytes.toByteArray(), bytes.size() + 10); // zeros: no plausible data set
            IOException e = assertThrows(IOException.class, () -> Samples.decodePart10(file), "UID <" + uid + ">");
            assertMessage(e);
        }
    }

    @Test
    void garbageIsRejected() {
        List<byte[]> garbage = new ArrayList<>();
        garbage.add(new byte[0]);
        garbage.add(new byte[] {8});
        garbage.add(new byte[1000]); // zeros
        byte[] ones = new byte[1000];
        Arrays.fill(ones, (byte) 0xFF);
        garbage.add(ones);
        garbage.add("This is not a DICOM file, just some text.\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
        garbage.add(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'});
        byte[] dicmThenZeros = new byte[400];
        System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, dicmThenZeros, 128, 4);
        garbage.add(dicmThenZeros);
        Random random = new Random(20240131);
        for (int k = 0; k < 200; k++) {
            byte[] b = new byte[16 + random.nextInt(4000)];
            random.nextBytes(b);
            if (k % 2 == 0) { // half of them behind a valid preamble
                System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, b, Math.min(128, b.length - 4), 4);
            }
            garbage.add(b);
        }
        for (int k = 0; k < garbage.size(); k++) {
            byte[] bytes = garbage.get(k);
            int index = k;
            IOException e = assertThrows(IOException.class, () -> Samples.decodePart10(bytes), "garbage #" + index);
            assertTrue(e instanceof EOFException || e instanceof DicomStreamException, "garbage #" + k + ": " + e);
            assertMessage(e);
        }
    }
}
