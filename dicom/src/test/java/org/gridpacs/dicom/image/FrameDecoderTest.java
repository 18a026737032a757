package org.gridpacs.dicom.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.MessageDigest;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Frames decoded from pydicom's test files against pydicom 2.3.1's own pixel_array (MD5 of its little-endian bytes,
 * samples of a pixel together, computed once with numpy) and against the uncompressed twin of each compressed file.
 */
class FrameDecoderTest {

    @ParameterizedTest
    @CsvSource({
        "CT_small.dcm, 45df16134454b381f79cc64eecdb072c",
        "MR_small_RLE.dcm, dc9943d2b303bf18ab512dfdd6df0559",
        "SC_rgb_rle.dcm, 6e292886c67969271076242ebef13e22",
        "SC_rgb_rle_16bit.dcm, 3394aeb0252e85a1edbd717eeb3c277e",
        "SC_rgb_rle_2frame.dcm, 0b77a2aae20b789b5379162857d4c07e",
        "SC_rgb_rle_32bit.dcm, 78007a9ad0ee8033c74de7472b39cd7f",
        "rtdose_rle.dcm, 5d8836986c43b4a16603c48cec2e9c2d",
    })
    void decodesAsPydicomDoes(String file, String pydicomMd5) throws Exception {
        byte[] frames = PixelFiles.read(TestData.pydicomFile(file)).allFrames();
        assertEquals(pydicomMd5, md5(frames), file);
    }

    @ParameterizedTest
    @CsvSource({
        "MR_small_RLE.dcm, MR_small.dcm",
        "MR_small_bigendian.dcm, MR_small.dcm",
        "MR_small_expb.dcm, MR_small.dcm",
        "MR_small_implicit.dcm, MR_small.dcm",
        "rtdose_rle.dcm, rtdose.dcm",
        "rtdose_expb.dcm, rtdose.dcm",
        "rtdose_rle_1frame.dcm, rtdose_1frame.dcm",
    })
    void compressedOrBigEndianEqualsItsTwin(String file, String twin) throws Exception {
        assertArrayEquals(PixelFiles.read(TestData.pydicomFile(twin)).allFrames(),
                PixelFiles.read(TestData.pydicomFile(file)).allFrames(), file + " vs " + twin);
    }

    @Test
    void signedSamplesOfCtSmall() throws Exception {
        PixelFiles f = PixelFiles.read(TestData.pydicomFile("CT_small.dcm"));
        ImagePixel p = ImagePixel.of(f.dataSet());
        assertTrue(p.signed());
        short[] s = GrayscaleSamples.toShorts(FrameDecoder.decode(f.dataSet(), f.transferSyntaxUid(), 0), p);
        long sum = 0;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (short v : s) {
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // pydicom: pixel_array.sum(), min(), max()
        assertEquals(14826310, sum);
        assertEquals(128, min);
        assertEquals(2191, max);
    }

    @Test
    void bitsStoredMaskingAndSignExtension() throws Exception {
        // 12 bits stored in 16, high bit 11, signed: 0xF800 has garbage above bit 11 and is -2048 in 12 bits
        ImagePixel p = new ImagePixel(1, 3, 1, 16, 12, 11, 1, 0, 1, "MONOCHROME2");
        byte[] frame = {0x00, (byte) 0xF8, (byte) 0xFF, 0x07, 0x01, (byte) 0xF0};
        assertArrayEquals(new short[] {-2048, 2047, 1}, GrayscaleSamples.toShorts(frame, p));
        ImagePixel unsigned = new ImagePixel(1, 3, 1, 16, 12, 11, 0, 0, 1, "MONOCHROME2");
        assertArrayEquals(new short[] {2048, 2047, 1}, GrayscaleSamples.toShorts(frame, unsigned));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MR_small_jpeg_ls_lossless.dcm|JPEG-LS Lossless Image Compression (1.2.840.10008.1.2.4.80)",
        "JPEG2000.dcm|JPEG 2000 Image Compression (1.2.840.10008.1.2.4.91)",
        "MR_small_jp2klossless.dcm|JPEG 2000 Image Compression (Lossless Only) (1.2.840.10008.1.2.4.90)",
        "JPEG-lossy.dcm|JPEG Extended (Process 2 and 4) (1.2.840.10008.1.2.4.51)",
        "SC_rgb_jpeg_dcmtk.dcm|JPEG Baseline (Process 1) (1.2.840.10008.1.2.4.50)",
    })
    void refusesOtherCompressionsByName(String file, String named) throws Exception {
        PixelFiles f = PixelFiles.read(TestData.pydicomFile(file));
        PixelDataException e = assertThrows(PixelDataException.class,
                () -> FrameDecoder.decode(f.dataSet(), f.transferSyntaxUid(), 0));
        assertTrue(e.unsupported());
        assertEquals("transfer syntax " + named + " is not decoded", e.getMessage());
    }

    @Test
    void lossless16BitJpegFromGdcm() throws Exception {
        // SC_rgb_jpeg_gdcm.dcm: GDCM's lossless SV1 encoding of an 8-bit RGB image; pydicom's SC_rgb_rle.dcm holds
        // the same picture, so a lossless decoder must give its bytes exactly
        PixelFiles jpeg = PixelFiles.read(TestData.pydicomFile("SC_rgb_jpeg_gdcm.dcm"));
        assertEquals("1.2.840.10008.1.2.4.70", jpeg.transferSyntaxUid());
        assertEquals(md5(PixelFiles.read(TestData.pydicomFile("SC_rgb_rle.dcm")).allFrames()),
                md5(jpeg.allFrames()));
    }

    @Test
    void bulkDataIsRefusedWithoutALoader() throws Exception {
        PixelFiles f = PixelFiles.read(TestData.pydicomFile("CT_small.dcm"));
        f.dataSet().setValue(Tag.PixelData, org.gridpacs.dicom.data.VR.OW,
                new org.gridpacs.dicom.data.BulkData(1000, 32768, false));
        PixelDataException e = assertThrows(PixelDataException.class,
                () -> FrameDecoder.decode(f.dataSet(), f.transferSyntaxUid(), 0));
        assertTrue(e.getMessage().contains("bulk data"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "MR_small_RLE.dcm", "JPEG2000.dcm", "MR_small_jpeg_ls_lossless.dcm", "JPEG-lossy.dcm",
        "SC_rgb_jpeg_dcmtk.dcm", "CT_small.dcm", "rtdose_rle.dcm",
    })
    void transferSyntaxToldFromThePixelDataWhenTheMetaInformationIsGone(String file) throws Exception {
        PixelFiles f = PixelFiles.read(TestData.pydicomFile(file));
        assertEquals(f.transferSyntaxUid(), FrameDecoder.transferSyntaxOf(f.dataSet()), file);
    }

    @Test
    void selectionValue1IsToldAsProcess14WhichDecodesIt() throws Exception {
        PixelFiles f = PixelFiles.read(TestData.pydicomFile("SC_rgb_jpeg_gdcm.dcm"));
        assertEquals("1.2.840.10008.1.2.4.57", FrameDecoder.transferSyntaxOf(f.dataSet()));
    }

    @Test
    void framesFoundByOffsetTableOneFragmentEachOrEndOfImage() throws Exception {
        byte[] a1 = {(byte) 0xFF, (byte) 0xD8, 1, 2};
        byte[] a2 = {3, 4, (byte) 0xFF, (byte) 0xD9};
        byte[] b1 = {(byte) 0xFF, (byte) 0xD8, 5, (byte) 0xFF, (byte) 0xD9, 0};
        org.gridpacs.dicom.data.Fragments noTable = fragments(new byte[0], a1, a2, b1);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xD9},
                FrameDecoder.encapsulatedFrame(noTable, 2, 0, BulkDataLoader.NONE, true));
        assertArrayEquals(b1, FrameDecoder.encapsulatedFrame(noTable, 2, 1, BulkDataLoader.NONE, true));
        // Basic Offset Table: frame 1 at 0, frame 2 after two items of 8 + 4 bytes
        byte[] table = {0, 0, 0, 0, 24, 0, 0, 0};
        org.gridpacs.dicom.data.Fragments withTable = fragments(table, a1, a2, b1);
        assertArrayEquals(b1, FrameDecoder.encapsulatedFrame(withTable, 2, 1, BulkDataLoader.NONE, false));
        assertEquals(8, FrameDecoder.encapsulatedFrame(withTable, 2, 0, BulkDataLoader.NONE, false).length);
        org.gridpacs.dicom.data.Fragments oneEach = fragments(new byte[0], a1, b1);
        assertArrayEquals(b1, FrameDecoder.encapsulatedFrame(oneEach, 2, 1, BulkDataLoader.NONE, false));
        PixelDataException e = assertThrows(PixelDataException.class,
                () -> FrameDecoder.encapsulatedFrame(noTable, 2, 1, BulkDataLoader.NONE, false));
        assertEquals("3 fragments for 2 frames and no Basic Offset Table: cannot tell the frames apart", e.getMessage());
    }

    private static org.gridpacs.dicom.data.Fragments fragments(byte[]... items) {
        org.gridpacs.dicom.data.Fragments f = new org.gridpacs.dicom.data.Fragments(org.gridpacs.dicom.data.VR.OB);
        for (byte[] b : items) {
            f.add(b);
        }
        return f;
    }

    static String md5(byte[] b) throws Exception {
        return String.format("%032x", new BigInteger(1, MessageDigest.getInstance("MD5").digest(b)));
    }
}
