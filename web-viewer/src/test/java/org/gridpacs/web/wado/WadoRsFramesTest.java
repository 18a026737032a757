package org.gridpacs.web.wado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** WADO-RS Retrieve Frames: what OHIF / cornerstone ask for and how they read it. */
class WadoRsFramesTest {
    static final String OHIF_QUOTED = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=\"*\"";
    static final String OHIF_UNQUOTED = "multipart/related; type=application/octet-stream; transfer-syntax=*";
    static final String DEFAULT = "multipart/related; type=\"application/octet-stream\"";
    @TempDir
    Path dir;

    static String frames(Files10 f, String list) {
        return WadoRsInstancesTest.instanceUrl(f.dataSet()) + "/frames/" + list;
    }

    static List<Multipart.Part> parts(HttpResponse<byte[]> r) {
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        String ct = r.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(ct.startsWith("multipart/related; type=\""), ct);
        return Multipart.parse(ct, r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {OHIF_QUOTED, OHIF_UNQUOTED, DEFAULT})
    void ohifsFrameRequestOnANativeCtGivesTheFrameAsCornerstoneReadsIt(String accept) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 ct = Files10.store(s, "CT_small.dcm");
            var r = s.get(frames(ct, "1"), accept);
            assertEquals("multipart/related; type=\"application/octet-stream\"",
                    r.headers().firstValue("Content-Type").orElseThrow().replaceAll("; boundary=.*", ""));
            List<Multipart.Part> p = parts(r);
            assertEquals(1, p.size());
            assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", p.get(0).contentType());
            assertArrayEquals(ct.frame(0), p.get(0).body());
            Multipart.Cornerstone c = Multipart.cornerstone(r.body());
            assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", c.contentType());
            assertArrayEquals(ct.frame(0), c.pixelData());
        }
    }

    @Test
    void multiFrame32BitRtDoseFramesInAnyOrderAndBigEndianByteSwapped() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 dose = Files10.store(s, "rtdose.dcm");
            Files10 big = Files10.store(s, "rtdose_expb.dcm");
            Files10 deflated = Files10.store(s, "image_dfl.dcm");
            for (Files10 f : List.of(dose, big)) {
                List<Multipart.Part> p = parts(s.get(frames(f, "1,3,15,2,2"), OHIF_QUOTED));
                int[] expected = {0, 2, 14, 1, 1};
                assertEquals(5, p.size());
                for (int k = 0; k < 5; k++) {
                    assertArrayEquals(dose.frame(expected[k]), p.get(k).body(), "frame " + (expected[k] + 1));
                }
                assertEquals("application/octet-stream; transfer-syntax="
                        + (f == dose ? "1.2.840.10008.1.2" : "1.2.840.10008.1.2.1"), p.get(0).contentType());
            }
            // pydicom's pixel_array of the big-endian dose, frame 2, as little-endian uint32
            String python = "import pydicom;d=pydicom.dcmread('" + TestData.pydicomFile("rtdose_expb.dcm")
                    + "');print(d.pixel_array[1].astype('<u4').tobytes().hex())";
            Process py = new ProcessBuilder("/usr/bin/python3", "-W", "ignore", "-c", python).start();
            String hex = new String(py.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertEquals(0, py.waitFor());
            byte[] frame2 = Multipart.cornerstone(s.get(frames(big, "2"), OHIF_UNQUOTED).body()).pixelData();
            assertEquals(hex, HexFormat.of().formatHex(frame2));
            assertArrayEquals(deflated.frame(0), parts(s.get(frames(deflated, "1"), DEFAULT)).get(0).body());
        }
    }

    @ParameterizedTest
    @CsvSource({"MR_small_RLE.dcm, 1", "rtdose_rle.dcm, 15", "SC_rgb_rle_2frame.dcm, 2"})
    void rleFramesComeDecodedByDefaultAndAsStoredWithStar(String name, int frameCount) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 f = Files10.store(s, name);
            String list = frameCount == 1 ? "1" : "2," + frameCount;
            int[] idx = frameCount == 1 ? new int[] {0} : new int[] {1, frameCount - 1};
            List<Multipart.Part> decoded = parts(s.get(frames(f, list), DEFAULT));
            List<Multipart.Part> stored = parts(s.get(frames(f, list), OHIF_QUOTED));
            Fragments fragments = (Fragments) f.dataSet().getValue(Tag.PixelData);
            for (int k = 0; k < idx.length; k++) {
                assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", decoded.get(k).contentType());
                assertArrayEquals(f.frame(idx[k]), decoded.get(k).body());
                assertEquals("image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5", stored.get(k).contentType());
                assertArrayEquals((byte[]) fragments.get(idx[k] + 1), stored.get(k).body());
            }
        }
    }

    @Test
    void jpegBaselineFramesGoAsStoredOnlyAndTheDefaultIs406NamingTheSyntax() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 f = Files10.store(s, "SC_rgb_jpeg_dcmtk.dcm");
            byte[] fragment = (byte[]) ((Fragments) f.dataSet().getValue(Tag.PixelData)).get(1);
            for (String accept : List.of(OHIF_QUOTED, OHIF_UNQUOTED, "multipart/related; type=\"image/jpeg\"",
                    "multipart/related; type=image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50")) {
                var r = s.get(frames(f, "1"), accept);
                Multipart.Cornerstone c = Multipart.cornerstone(r.body());
                assertEquals("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50", c.contentType(), accept);
                assertArrayEquals(fragment, c.pixelData(), accept);
                assertArrayEquals(fragment, parts(r).get(0).body(), accept);
            }
            var r = s.get(frames(f, "1"), DEFAULT);
            assertEquals(406, r.statusCode());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("JPEG Baseline"),
                    new String(r.body(), StandardCharsets.UTF_8));
            var single = s.get(frames(f, "1"), "image/jpeg");
            assertEquals(200, single.statusCode());
            assertEquals("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50", single.headers().firstValue("Content-Type").orElseThrow());
            assertArrayEquals(fragment, single.body());
        }
    }

    @ParameterizedTest
    @CsvSource({"MR_small_jpeg_ls_lossless.dcm, image/jls", "JPEG2000.dcm, image/jp2", "JPEG-lossy.dcm, image/jpeg"})
    void otherCompressedFramesGoAsStoredLabelledWithTheirMediaType(String name, String media) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 f = Files10.store(s, name);
            Fragments fragments = (Fragments) f.dataSet().getValue(Tag.PixelData);
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            for (int k = 1; k < fragments.size(); k++) {
                frame.writeBytes((byte[]) fragments.get(k));
            }
            for (String accept : List.of(OHIF_UNQUOTED, "multipart/related; type=\"" + media + "\"",
                    "multipart/related; type=" + media + "; transfer-syntax=" + f.transferSyntax())) {
                Multipart.Cornerstone c = Multipart.cornerstone(s.get(frames(f, "1"), accept).body());
                assertEquals(media + "; transfer-syntax=" + f.transferSyntax(), c.contentType(), accept);
                assertArrayEquals(frame.toByteArray(), c.pixelData(), accept);
            }
            var r = s.get(frames(f, "1"), OHIF_UNQUOTED.replace("*", "1.2.840.10008.1.2.1"));
            assertEquals(406, r.statusCode());
        }
    }

    @Test
    void badFrameListsAre400FramesPastTheEndAre404AndJpegOfADoseIs406() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 dose = Files10.store(s, "rtdose.dcm");
            Files10 plan = Files10.store(s, "rtplan.dcm");
            for (String list : List.of("a", "0", "1,,2", "1;2", "-1", "1.5")) {
                assertEquals(400, s.get(frames(dose, list), OHIF_QUOTED).statusCode(), list);
            }
            var past = s.get(frames(dose, "1,16"), OHIF_QUOTED);
            assertEquals(404, past.statusCode());
            assertTrue(new String(past.body(), StandardCharsets.UTF_8).contains("has 15 frames"));
            assertEquals(404, s.get(frames(plan, "1"), OHIF_QUOTED).statusCode());
            assertEquals(404, s.get("/dicom-web/studies/1.2/series/3.4/instances/5.6/frames/1", OHIF_QUOTED).statusCode());
            var jpeg = s.get(frames(dose, "1"), "multipart/related; type=\"image/jpeg\"");
            assertEquals(406, jpeg.statusCode());
            assertTrue(new String(jpeg.body(), StandardCharsets.UTF_8).contains("image/jpeg"));
            assertEquals(406, s.get(frames(dose, "1,2"), "application/octet-stream").statusCode());
            var one = s.get(frames(dose, "3"), "application/octet-stream");
            assertEquals(200, one.statusCode());
            assertArrayEquals(dose.frame(2), one.body());
        }
    }

    @Test
    void bulkDataOfPixelDataAndOfNestedAndLargeValues() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 dose = Files10.store(s, "rtdose.dcm");
            Files10 big = Files10.store(s, "rtdose_expb.dcm");
            Files10 rle = Files10.store(s, "SC_rgb_rle_2frame.dcm");
            String bulk = WadoRsInstancesTest.instanceUrl(dose.dataSet()) + "/bulkdata/";
            byte[] pixels = dose.dataSet().getBytes(Tag.PixelData);
            assertArrayEquals(pixels, parts(s.get(bulk + "7FE00010", DEFAULT)).get(0).body());
            assertArrayEquals(pixels, parts(s.get(WadoRsInstancesTest.instanceUrl(big.dataSet()) + "/bulkdata/7fe00010",
                    DEFAULT)).get(0).body());
            String rleBulk = WadoRsInstancesTest.instanceUrl(rle.dataSet()) + "/bulkdata/7FE00010";
            List<Multipart.Part> rleFrames = parts(s.get(rleBulk, OHIF_QUOTED));
            assertEquals(2, rleFrames.size());
            assertEquals("image/dicom-rle; transfer-syntax=1.2.840.10008.1.2.5", rleFrames.get(1).contentType());
            assertArrayEquals((byte[]) ((Fragments) rle.dataSet().getValue(Tag.PixelData)).get(2), rleFrames.get(1).body());
            List<Multipart.Part> rleDecoded = parts(s.get(rleBulk, DEFAULT));
            assertEquals(1, rleDecoded.size());
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            both.writeBytes(rle.frame(0));
            both.writeBytes(rle.frame(1));
            assertArrayEquals(both.toByteArray(), rleDecoded.get(0).body());
            DataSet plan = dose.dataSet().getSequence(0x300C0002).get(0);
            assertArrayEquals(plan.getBytes(Tag.ReferencedSOPInstanceUID),
                    parts(s.get(bulk + "300C0002/0/00081155", DEFAULT)).get(0).body());
            assertArrayEquals(dose.dataSet().getBytes(0x3004000C), parts(s.get(bulk + "3004000C", DEFAULT)).get(0).body());
            var single = s.get(bulk + "3004000C", "application/octet-stream");
            assertEquals("application/octet-stream", single.headers().firstValue("Content-Type").orElseThrow());
            assertArrayEquals(dose.dataSet().getBytes(0x3004000C), single.body());
            assertEquals(404, s.get(bulk + "00991099", DEFAULT).statusCode());
            assertEquals(404, s.get(bulk + "300C0002/3/00081155", DEFAULT).statusCode());
            assertEquals(400, s.get(bulk + "7FE0001", DEFAULT).statusCode());
            assertEquals(400, s.get(bulk + "300C0002/x/00081155", DEFAULT).statusCode());
            assertEquals(406, s.get(bulk + "3004000C", "image/png").statusCode());

            // a value larger than what is read into memory: left in the copy, read again by skipping to it
            DataSet doc = org.gridpacs.dicom.testutil.SyntheticInstances.ct("P9");
            byte[] large = new byte[300_001];
            new java.util.Random(7).nextBytes(large);
            large[large.length - 1] = 0;
            doc.setBytes(0x00420011, org.gridpacs.dicom.data.VR.OB, java.util.Arrays.copyOf(large, large.length + 1));
            s.store(doc);
            assertArrayEquals(java.util.Arrays.copyOf(large, large.length + 1), parts(s.get(
                    WadoRsInstancesTest.instanceUrl(doc) + "/bulkdata/00420011", DEFAULT)).get(0).body());
        }
    }
}
