package org.gridpacs.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.BulkData;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.LittleEndian;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * A multi-frame object of over 2 GiB (Pixel Data longer than a Java int can count) passes through a JVM with a
 * 64 MiB heap: {@link PassThrough} parses the header and streams the rest, and the copy is identical.
 */
@ProcessTest
class LargeObjectStreamingTest {
    private static final int ROWS = 512;
    private static final int COLUMNS = 512;
    private static final int FRAME_BYTES = ROWS * COLUMNS * 2;
    /** 4100 frames of 512 x 512 x 16 bits: 2,149,580,800 bytes, just over 2^31, within a 32-bit value length. */
    private static final int FRAMES = 4100;
    private static final long PIXEL_BYTES = (long) FRAMES * FRAME_BYTES;

    @TempDir
    Path tmp;

    @Test
    void twoGigabyteObjectPassesThroughA64MegabyteHeap() throws Exception {
        assertTrue(PIXEL_BYTES > Integer.MAX_VALUE && PIXEL_BYTES < 0xFFFFFFFEL);
        Path original = tmp.resolve("large.dcm");
        Path copy = tmp.resolve("copy.dcm");
        try {
            long t0 = System.nanoTime();
            long pixelDataValueOffset = writeLargeFile(original);
            long t1 = System.nanoTime();

            Process p = new ProcessBuilder(javaCommand(), "-Xmx64m", "-cp", testClassPath(),
                    PassThrough.class.getName(), original.toString(), copy.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "PassThrough did not finish");
            assertEquals(0, p.exitValue(), "PassThrough failed:\n" + output);
            long t2 = System.nanoTime();

            assertEquals(Files.size(original), Files.size(copy));
            assertEquals(-1, Files.mismatch(original, copy), "first differing byte of the copy");
            long t3 = System.nanoTime();

            checkLargeValueOffsets(copy, pixelDataValueOffset);
            System.out.printf("large object: %d MiB written in %d ms, passed through in %d ms (%s), compared in %d ms%n",
                    Files.size(original) >> 20, ms(t1 - t0), ms(t2 - t1), output.strip(), ms(t3 - t2));
        } finally {
            Files.deleteIfExists(original);
            Files.deleteIfExists(copy);
        }
    }

    /** Writes the file with the streaming API; returns the offset of the Pixel Data value. */
    private static long writeLargeFile(Path file) throws IOException {
        DataSet ds = new DataSet();
        Samples.str(ds, Tag.SOPClassUID, VR.UI, "1.2.840.10008.5.1.4.1.1.7.3"); // multi-frame grayscale word SC
        Samples.str(ds, Tag.SOPInstanceUID, VR.UI, Samples.SOP_INSTANCE);
        Samples.str(ds, Tag.PatientName, VR.PN, "Large^Object");
        ds.setInt(Tag.SamplesPerPixel, VR.US, 1);
        Samples.str(ds, Tag.PhotometricInterpretation, VR.CS, "MONOCHROME2");
        ds.setInt(Tag.NumberOfFrames, VR.IS, FRAMES);
        ds.setInt(Tag.Rows, VR.US, ROWS);
        ds.setInt(Tag.Columns, VR.US, COLUMNS);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        ds.setInt(Tag.BitsStored, VR.US, 16);
        ds.setInt(Tag.HighBit, VR.US, 15);
        ds.setInt(Tag.PixelRepresentation, VR.US, 0);
        DataSet trailer = new DataSet(); // an element after Pixel Data, which must pass through too
        trailer.setBytes(Tag.DataSetTrailingPadding, VR.OB, new byte[] {1, 2, 3, 4});

        byte[] frame = new byte[FRAME_BYTES];
        for (int k = 0; k < frame.length; k += 2) {
            LittleEndian.put16(frame, k, k / 2 * 31);
        }
        try (FileOutputStream fos = new FileOutputStream(file.toFile());
             DicomOutputStream out = new DicomOutputStream(fos)) {
            out.writeFileMetaInformation(FileMetaInformation.create("1.2.840.10008.5.1.4.1.1.7.3", Samples.SOP_INSTANCE,
                    TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), null));
            out.writeDataSet(ds);
            out.writeHeader(Tag.PixelData, VR.OW, PIXEL_BYTES);
            out.flush();
            long valueOffset = fos.getChannel().position();
            for (int f = 0; f < FRAMES; f++) {
                LittleEndian.put32(frame, 0, f); // each frame starts with its number: a misplaced frame shows
                LittleEndian.put32(frame, FRAME_BYTES - 4, ~f);
                out.write(frame, 0, frame.length);
            }
            out.writeDataSet(trailer);
            out.finish();
            return valueOffset;
        }
    }

    /** Our reader finds the value as bulk data at the right offset, with its length above 2^31, and the last frame. */
    private static void checkLargeValueOffsets(Path file, long expectedOffset) throws IOException {
        DataSet ds;
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(new FileInputStream(file.toFile())))) {
            in.readFileMetaInformation();
            in.setBulkDataThreshold(1 << 20);
            ds = in.readDataSet();
            assertFalse(in.stoppedAtTag());
        }
        BulkData pixels = assertInstanceOf(BulkData.class, ds.getValue(Tag.PixelData));
        assertEquals(expectedOffset, pixels.offset());
        assertEquals(PIXEL_BYTES, pixels.length());
        assertEquals(4, ds.getBytes(Tag.DataSetTrailingPadding).length);
        assertEquals(FRAMES, ds.getInt(Tag.NumberOfFrames, 0));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[4];
            raf.seek(pixels.offset() + (long) (FRAMES - 1) * FRAME_BYTES);
            raf.readFully(b);
            assertEquals(FRAMES - 1, LittleEndian.i32(b, 0));
            raf.seek(pixels.offset() + pixels.length() - 4);
            raf.readFully(b);
            assertEquals(~(FRAMES - 1), LittleEndian.i32(b, 0));
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire may hand the forked JVM a manifest-only jar; its own property has the real class path. */
    private static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
