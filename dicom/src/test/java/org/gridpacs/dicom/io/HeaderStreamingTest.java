package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reading the header only (up to Pixel Data), handing on the rest of the stream unread, and leaving large values
 * in the file as {@link BulkData} offsets.
 */
class HeaderStreamingTest {
    @TempDir
    static Path tmp;

    /** {@link Samples#rich()} with 8 KiB of pixel data and an icon whose own Pixel Data sits in a sequence item. */
    static DataSet withIcon() {
        DataSet ds = Samples.rich();
        DataSet icon = ds.newSequence(Tag.IconImageSequence).addItem();
        icon.setInt(Tag.Rows, VR.US, 8);
        icon.setInt(Tag.Columns, VR.US, 8);
        icon.setInt(Tag.BitsAllocated, VR.US, 16);
        int[] small = new int[64];
        Arrays.setAll(small, k -> 0x0A0B + k);
        icon.setInt(Tag.PixelData, VR.OW, small);
        int[] pixels = new int[64 * 64];
        Arrays.setAll(pixels, k -> k * 7 & 0xFFFF);
        ds.setInt(Tag.Rows, VR.US, 64);
        ds.setInt(Tag.Columns, VR.US, 64);
        ds.setInt(Tag.PixelData, VR.OW, pixels);
        ds.setBytes(Tag.DataSetTrailingPadding, VR.OB, new byte[] {0, 0, 0, 0}); // an element after Pixel Data
        return ds;
    }

    /** Our own files in the non-deflated syntaxes, and pydicom's in each byte order and with compressed data. */
    static Stream<Path> files() throws IOException {
        Stream.Builder<Path> files = Stream.builder();
        for (TransferSyntax ts : Samples.NATIVE) {
            if (!ts.deflated()) {
                Path f = tmp.resolve("ours-" + ts.uid() + ".dcm");
                Files.write(f, Samples.encodePart10(withIcon(), ts));
                files.add(f);
            }
        }
        for (String name : new String[] {"CT_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm",
                "JPEG2000.dcm", "MR_small_RLE.dcm"}) {
            files.add(TestData.pydicomFile(name));
        }
        return files.build();
    }

    @ParameterizedTest
    @MethodSource("files")
    void readingStopsBeforePixelDataAndTheRemainderIsTheRestOfTheFile(Path file) throws IOException {
        byte[] original = Files.readAllBytes(file);
        DataSet full = Samples.decodePart10(original).dataSet();
        assertTrue(full.contains(Tag.PixelData));

        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FileInputStream(file.toFile())))) {
            DataSet fmi = in.readFileMetaInformation();
            DataSet header = in.readDataSet(Tag.PixelData);
            assertTrue(in.stoppedAtTag());
            assertFalse(header.contains(Tag.PixelData));
            int at = (int) in.position();

            // the header is the whole data set up to Pixel Data, including any sequence with Pixel Data inside
            DataSet expected = full.copy();
            for (int k = full.size() - 1; k >= 0 && Integer.compareUnsigned(full.tagAt(k), Tag.PixelData) >= 0; k--) {
                expected.remove(full.tagAt(k));
            }
            Samples.assertSameDataSet(expected, header, file.getFileName().toString());
            // where it stopped is the Pixel Data element's tag, in the file's byte order
            byte[] tag = in.transferSyntax().bigEndian() ? new byte[] {0x7F, (byte) 0xE0, 0x00, 0x10}
                    : new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00};
            assertArrayEquals(tag, Arrays.copyOfRange(original, at, at + 4), "stopped at byte " + at);

            ByteArrayOutputStream remainder = new ByteArrayOutputStream();
            assertEquals(original.length - at, in.copyRemainderTo(remainder));
            byte[] reassembled = concat(Arrays.copyOf(original, at), remainder.toByteArray());
            assertArrayEquals(original, reassembled);

            if (file.getFileName().toString().startsWith("ours-")) {
                // our own files are rebuilt byte for byte from the header re-encoded and the remainder
                ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
                DicomOutputStream out = new DicomOutputStream(rebuilt);
                out.writeFileMetaInformation(fmi);
                out.writeDataSet(header);
                out.finish();
                rebuilt.writeBytes(remainder.toByteArray());
                assertArrayEquals(original, rebuilt.toByteArray());
            }
        }
    }

    @Test
    void stopTagOnlyAppliesAtTheTopLevel() throws IOException {
        byte[] file = Samples.encodePart10(withIcon(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(file))) {
            in.readFileMetaInformation();
            DataSet header = in.readDataSet(Tag.PixelData);
            assertNotNull(header.getItem(Tag.IconImageSequence).getBytes(Tag.PixelData), "icon pixel data read");
            assertEquals(0x0A0B, header.getItem(Tag.IconImageSequence).getInt(Tag.PixelData, 0));
        }
    }

    @Test
    void withoutTheStopTagInTheStreamReadingGoesToTheEnd() throws IOException {
        DataSet ds = Samples.rich();
        ds.remove(Tag.PixelData);
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(
                Samples.encodePart10(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)))) {
            in.readFileMetaInformation();
            Samples.assertSameDataSet(ds, in.readDataSet(Tag.PixelData), "no pixel data");
            assertFalse(in.stoppedAtTag());
            assertEquals(0, in.copyRemainderTo(new ByteArrayOutputStream()));
        }
    }

    /** A deflated file passes through too: the remainder comes inflated and is deflated again on writing. */
    @Test
    void deflatedFilePassesThrough() throws IOException {
        TransferSyntax ts = TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
        byte[] original = Samples.encodePart10(withIcon(), ts);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(original))) {
            DataSet fmi = in.readFileMetaInformation();
            DataSet header = in.readDataSet(Tag.PixelData);
            assertTrue(in.stoppedAtTag());
            DicomOutputStream out = new DicomOutputStream(copy);
            out.writeFileMetaInformation(fmi);
            out.writeDataSet(header);
            in.copyRemainderTo(out);
            out.finish();
        }
        Samples.Part10 read = Samples.decodePart10(copy.toByteArray());
        assertEquals(ts, read.ts());
        Samples.assertSameDataSet(withIcon(), read.dataSet(), "deflated pass-through");
    }

    // ---------------------------------------------------------------- bulk data

    @ParameterizedTest
    @MethodSource("files")
    void bulkDataOffsetsPointAtTheValueInTheFile(Path file) throws IOException {
        DataSet full = Samples.decodePart10(Files.readAllBytes(file)).dataSet();
        DataSet lazy;
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FileInputStream(file.toFile())))) {
            in.readFileMetaInformation();
            in.setBulkDataThreshold(64);
            lazy = in.readDataSet();
        }
        Class<?> expectedType = full.getValue(Tag.PixelData) instanceof Fragments ? Fragments.class : BulkData.class;
        assertInstanceOf(expectedType, lazy.getValue(Tag.PixelData));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            int found = compareBulk(full, lazy, raf);
            assertTrue(found > 0, "bulk data in " + file.getFileName());
        }
    }

    /** Compares every bulk value of {@code lazy} with the loaded value of {@code full}; returns how many. */
    private static int compareBulk(DataSet full, DataSet lazy, RandomAccessFile raf) throws IOException {
        assertEquals(full.size(), lazy.size());
        int found = 0;
        for (int k = 0; k < lazy.size(); k++) {
            int tag = lazy.tagAt(k);
            Object v = lazy.valueAt(k);
            if (v instanceof BulkData b) {
                assertTrue(b.length() > 64);
                byte[] expected = full.getBytes(tag).clone();
                if (b.bigEndian()) {
                    swap(expected, DicomInputStream.swapWidth(lazy.vrAt(k)));
                }
                assertArrayEquals(expected, read(raf, b), "bulk value of " + Integer.toHexString(tag));
                found++;
            } else if (v instanceof Fragments f) {
                Fragments loaded = (Fragments) full.getValue(tag);
                assertEquals(loaded.size(), f.size());
                for (int i = 0; i < f.size(); i++) {
                    if (f.get(i) instanceof BulkData b) {
                        assertArrayEquals((byte[]) loaded.get(i), read(raf, b), "fragment " + i);
                        found++;
                    } else {
                        assertArrayEquals((byte[]) loaded.get(i), (byte[]) f.get(i), "fragment " + i);
                    }
                }
            } else if (v instanceof Sequence s) {
                for (int i = 0; i < s.size(); i++) {
                    found += compareBulk(full.getSequence(tag).get(i), s.get(i), raf);
                }
            } else {
                DataSet a = new DataSet();
                a.setValue(tag, lazy.vrAt(k), v);
                DataSet b = new DataSet();
                b.setValue(tag, full.vrAt(k), full.valueAt(k));
                assertEquals(b, a);
            }
        }
        return found;
    }

    @Test
    void bulkDataInsideSequenceItems() throws IOException {
        Path file = tmp.resolve("icon.dcm");
        Files.write(file, Samples.encodePart10(withIcon(), TransferSyntax.EXPLICIT_VR_BIG_ENDIAN));
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FileInputStream(file.toFile())));
             RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            in.readFileMetaInformation();
            in.setBulkDataThreshold(64);
            DataSet ds = in.readDataSet();
            BulkData icon = assertInstanceOf(BulkData.class, ds.getItem(Tag.IconImageSequence).getValue(Tag.PixelData));
            assertEquals(128, icon.length());
            assertTrue(icon.bigEndian());
            byte[] raw = read(raf, icon);
            assertEquals(0x0A, raw[0]); // 0x0A0B, big endian
            assertEquals(0x0B, raw[1]);
        }
    }

    private static byte[] read(RandomAccessFile raf, BulkData b) throws IOException {
        byte[] bytes = new byte[Math.toIntExact(b.length())];
        raf.seek(b.offset());
        raf.readFully(bytes);
        return bytes;
    }

    private static void swap(byte[] b, int width) {
        for (int p = 0; p + width <= b.length; p += width) {
            for (int i = 0, j = width - 1; i < j; i++, j--) {
                byte t = b[p + i];
                b[p + i] = b[p + j];
                b[p + j] = t;
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
