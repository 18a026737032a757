package org.gridpacs.web.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderedRsTest {
    @TempDir
    Path dir;

    /** "/dicom-web/studies/s/series/e/instances/i" of a stored file. */
    static String instancePath(Path file) throws Exception {
        return TestFiles.instancePath(TestFiles.read(file));
    }

    static BufferedImage image(HttpResponse<byte[]> r, String mediaType) throws Exception {
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(mediaType, r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(img, "the answer decodes as " + mediaType);
        return img;
    }

    static double variance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        int n = img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int g = grey(img, x, y);
                sum += g;
                sq += (double) g * g;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }

    static double mean(BufferedImage img) {
        double sum = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                sum += grey(img, x, y);
            }
        }
        return sum / (img.getWidth() * img.getHeight());
    }

    /** The pixel's grey level as encoded (the raster, not getRGB, which converts linear grey to sRGB). */
    static int grey(BufferedImage img, int x, int y) {
        var r = img.getRaster();
        if (r.getNumBands() == 1) {
            return r.getSample(x, y, 0);
        }
        return (r.getSample(x, y, 0) + r.getSample(x, y, 1) + r.getSample(x, y, 2)) / 3;
    }

    static String reason(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void ctRenderedAsJpegByDefaultAndAsPngWhenAsked() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path ct = TestData.pydicomFile("CT_small.dcm");
            TestFiles.store(s, ct);
            String p = instancePath(ct);
            BufferedImage jpeg = image(s.get(p + "/rendered", null), "image/jpeg");
            assertEquals(128, jpeg.getWidth());
            assertEquals(128, jpeg.getHeight());
            assertTrue(variance(jpeg) > 100, "not blank: " + variance(jpeg));
            BufferedImage png = image(s.get(p + "/rendered", "image/png"), "image/png");
            assertTrue(variance(png) > 100);
            image(s.get(p + "/rendered?accept=image/png", "image/jpeg"), "image/png");
            image(s.get(p + "/rendered", "*/*"), "image/jpeg");
            image(s.get(p + "/rendered", "image/gif, image/png;q=0.5"), "image/gif");
        }
    }

    @Test
    void windowChangesTheImageAndIsTheInstancesOwnByDefault() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path ct = TestData.pydicomFile("CT_small.dcm");
            TestFiles.store(s, ct);
            String p = instancePath(ct);
            BufferedImage byDefault = image(s.get(p + "/rendered", "image/png"), "image/png");
            // CT_small has no window: the default spans the frame's values; MR_small has one (600, 1600)
            BufferedImage wide = image(s.get(p + "/rendered?window=0,100000,LINEAR_EXACT", "image/png"), "image/png");
            assertTrue(variance(wide) < variance(byDefault) / 4, "a window wider than the values flattens the image");
            Path mr = TestData.pydicomFile("MR_small.dcm");
            TestFiles.store(s, mr);
            String m = instancePath(mr);
            BufferedImage own = image(s.get(m + "/rendered", "image/png"), "image/png");
            BufferedImage same = image(s.get(m + "/rendered?window=600,1600,LINEAR", "image/png"), "image/png");
            BufferedImage other = image(s.get(m + "/rendered?window=600,800,LINEAR", "image/png"), "image/png");
            assertEquals(mean(own), mean(same), 0.01, "the default is the instance's own window");
            assertTrue(Math.abs(mean(own) - mean(other)) > 5, "another window changes the image");
            BufferedImage narrow = image(s.get(p + "/rendered?window=40,10,LINEAR", "image/png"), "image/png");
            BufferedImage high = image(s.get(p + "/rendered?window=4000,400,SIGMOID", "image/png"), "image/png");
            assertTrue(Math.abs(mean(narrow) - mean(byDefault)) > 5 || Math.abs(variance(narrow) - variance(byDefault)) > 100,
                    "a narrow window changes the image");
            assertTrue(mean(high) < mean(byDefault), "a window above every value darkens it: " + mean(high));
        }
    }

    @Test
    void mrRleAndJpegLosslessAndColourAreRendered() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path mr = TestData.pydicomFile("MR_small.dcm");
            Path rle = TestData.pydicomFile("MR_small_RLE.dcm");
            TestFiles.store(s, mr);
            // the RLE copy shares the MR's UIDs: stored in an archive of its own
            BufferedImage native_ = image(s.get(instancePath(mr) + "/rendered", "image/png"), "image/png");
            try (WebTestServer s2 = new WebTestServer(dir.resolve("rle"))) {
                TestFiles.store(s2, rle);
                BufferedImage fromRle = image(s2.get(instancePath(rle) + "/rendered", "image/png"), "image/png");
                assertEquals(mean(native_), mean(fromRle), 0.01, "RLE renders the same pixels");
            }
            try (WebTestServer s3 = new WebTestServer(dir.resolve("be"))) {
                Path be = TestData.pydicomFile("MR_small_bigendian.dcm");
                TestFiles.store(s3, be);
                BufferedImage fromBe = image(s3.get(instancePath(be) + "/rendered", "image/png"), "image/png");
                assertEquals(mean(native_), mean(fromBe), 0.01, "big endian renders the same pixels");
            }
            Path jpegLossless = TestData.pydicomFile("SC_rgb_jpeg_gdcm.dcm");
            TestFiles.store(s, jpegLossless);
            BufferedImage rgb = image(s.get(instancePath(jpegLossless) + "/rendered", "image/png"), "image/png");
            assertTrue(hasColour(rgb), "an RGB image keeps its colour");
            Path small = TestData.pydicomFile("SC_rgb_small_odd.dcm");
            TestFiles.store(s, small);
            BufferedImage odd = image(s.get(instancePath(small) + "/rendered", "image/png"), "image/png");
            assertTrue(hasColour(odd));
            Path deflated = TestData.pydicomFile("image_dfl.dcm");
            TestFiles.store(s, deflated);
            BufferedImage fromDeflate = image(s.get(instancePath(deflated) + "/rendered", "image/png"), "image/png");
            assertTrue(variance(fromDeflate) > 100, "a deflated data set is rendered");
            Path ybr = TestData.pydicomFile("SC_ybr_full_422_uncompressed.dcm");
            TestFiles.store(s, ybr);
            BufferedImage fromYbr = image(s.get(instancePath(ybr) + "/rendered", "image/png"), "image/png");
            assertTrue(hasColour(fromYbr));
        }
    }

    static boolean hasColour(BufferedImage img) {
        int coloured = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = rgb >> 16 & 0xFF;
                int g = rgb >> 8 & 0xFF;
                int b = rgb & 0xFF;
                if (Math.abs(r - g) > 30 || Math.abs(g - b) > 30 || Math.abs(r - b) > 30) {
                    coloured++;
                }
            }
        }
        return coloured > img.getWidth() * img.getHeight() / 50;
    }

    @Test
    void rtDoseIsAColourWashAndEachFrameCanBeAskedFor() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path dose = TestData.pydicomFile("rtdose.dcm");
            TestFiles.store(s, dose);
            String p = instancePath(dose);
            BufferedImage first = image(s.get(p + "/rendered", "image/png"), "image/png");
            assertEquals(10, first.getWidth());
            assertTrue(hasColour(first), "the dose is a colour wash, not grey");
            BufferedImage f15 = image(s.get(p + "/frames/15/rendered", "image/png"), "image/png");
            assertTrue(hasColour(f15));
            var past = s.get(p + "/frames/16/rendered", "image/png");
            assertEquals(400, past.statusCode());
            assertTrue(reason(past).contains("has 15"), reason(past));
            BufferedImage thumb = image(s.get(p + "/frames/3/thumbnail", "image/png"), "image/png");
            assertEquals(128, thumb.getWidth(), "a thumbnail fits 128 x 128");
            assertEquals(128, thumb.getHeight());
            assertTrue(hasColour(image(s.get(p + "/frames/3/rendered", "image/gif"), "image/gif")));
        }
    }

    @Test
    void rtDoseInRleGivesTheSameColours() throws Exception {
        // pydicom's rtdose_rle.dcm and rtdose_expb.dcm cannot be stored (their UIDs are garbled or out of order):
        // the RLE copy is made here, 15 frames of 32 bits, one fragment each and no Basic Offset Table
        Path dose = TestData.pydicomFile("rtdose.dcm");
        DataSet ds = TestFiles.read(dose);
        byte[] all = ds.getBytes(Tag.PixelData);
        int pixels = 100;
        Fragments fragments = new Fragments(VR.OB);
        fragments.add(new byte[0]);
        for (int f = 0; f < 15; f++) {
            fragments.add(RleEncoder.encode(java.util.Arrays.copyOfRange(all, f * 400, f * 400 + 400), pixels, 4));
        }
        DataSet rle = ds.copy();
        rle.setValue(Tag.PixelData, VR.OB, fragments);
        rle.setString(Tag.SOPInstanceUID, VR.UI, ds.getString(Tag.SOPInstanceUID) + ".9");
        try (WebTestServer s = new WebTestServer(dir)) {
            TestFiles.store(s, dose);
            s.store.store(StoreRequest.of(rle, UID.RLELossless, "MODALITY"), rle);
            String p = instancePath(dose);
            for (int frame : new int[] {1, 7, 15}) {
                BufferedImage a = image(s.get(p + "/frames/" + frame + "/rendered", "image/png"), "image/png");
                BufferedImage b = image(s.get(p + ".9/frames/" + frame + "/rendered", "image/png"), "image/png");
                for (int y = 0; y < 10; y++) {
                    for (int x = 0; x < 10; x++) {
                        assertEquals(a.getRGB(x, y), b.getRGB(x, y), "frame " + frame + " at " + x + "," + y);
                    }
                }
            }
        }
    }

    @Test
    void monochrome1IsInverted() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path mr = TestData.pydicomFile("MR_small.dcm");
            TestFiles.store(s, mr);
            DataSet ds = TestFiles.read(mr);
            ds.setString(Tag.PhotometricInterpretation, VR.CS, "MONOCHROME1");
            ds.setString(Tag.SOPInstanceUID, VR.UI, ds.getString(Tag.SOPInstanceUID) + ".1");
            ds.remove(Tag.TransferSyntaxUID);
            s.store(ds);
            String base = instancePath(mr);
            BufferedImage m2 = image(s.get(base + "/rendered", "image/png"), "image/png");
            BufferedImage m1 = image(s.get(base + ".1/rendered", "image/png"), "image/png");
            for (int y = 0; y < m2.getHeight(); y += 7) {
                for (int x = 0; x < m2.getWidth(); x += 5) {
                    assertEquals(255 - grey(m2, x, y), grey(m1, x, y), "at " + x + "," + y);
                }
            }
        }
    }

    @Test
    void viewportAndThumbnailSizes() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path ct = TestData.pydicomFile("CT_small.dcm");
            TestFiles.store(s, ct);
            String p = instancePath(ct);
            BufferedImage fit = image(s.get(p + "/rendered?viewport=64,32", "image/png"), "image/png");
            assertEquals(32, fit.getWidth());
            assertEquals(32, fit.getHeight());
            BufferedImage region = image(s.get(p + "/rendered?viewport=100,50,0,0,64,32", "image/png"), "image/png");
            assertEquals(100, region.getWidth());
            assertEquals(50, region.getHeight());
            BufferedImage thumb = image(s.get(p + "/thumbnail", null), "image/jpeg");
            assertEquals(128, thumb.getWidth());
            BufferedImage small = image(s.get(p + "/thumbnail?viewport=40,40", null), "image/jpeg");
            assertEquals(40, small.getWidth());
            DataSet ds = TestFiles.read(ct);
            String study = "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID);
            image(s.get(study + "/thumbnail", "image/jpeg"), "image/jpeg");
            image(s.get(study + "/rendered", "image/jpeg"), "image/jpeg");
            image(s.get(study + "/series/" + ds.getString(Tag.SeriesInstanceUID) + "/rendered", "image/png"),
                    "image/png");
        }
    }

    @Test
    void aStudyIsShownByTheMiddleImageOfItsFirstSeriesWithImages() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet mr = TestFiles.read(TestData.pydicomFile("MR_small.dcm"));
            // a plan first (a series without images), then three MR images in another series of the same study
            DataSet plan = TestFiles.read(TestData.pydicomFile("rtplan.dcm"));
            for (int tag : new int[] {Tag.StudyInstanceUID, Tag.PatientID, Tag.PatientName, Tag.PatientBirthDate}) {
                if (mr.contains(tag)) {
                    plan.setValue(tag, mr.vrOf(tag), mr.getValue(tag));
                }
            }
            s.store(plan);
            String series = mr.getString(Tag.SeriesInstanceUID) + ".7";
            for (int n = 1; n <= 3; n++) {
                DataSet i = mr.copy();
                i.setString(Tag.SeriesInstanceUID, VR.UI, series);
                i.setString(Tag.SOPInstanceUID, VR.UI, mr.getString(Tag.SOPInstanceUID) + "." + n);
                i.setString(Tag.InstanceNumber, VR.IS, String.valueOf(n));
                i.setString(Tag.WindowCenter, VR.DS, String.valueOf(200 * n)); // tells the images apart
                s.store(i);
            }
            String study = "/dicom-web/studies/" + mr.getString(Tag.StudyInstanceUID);
            BufferedImage middle = image(s.get(study + "/series/" + series + "/instances/"
                    + mr.getString(Tag.SOPInstanceUID) + ".2/rendered", "image/png"), "image/png");
            BufferedImage first = image(s.get(study + "/series/" + series + "/instances/"
                    + mr.getString(Tag.SOPInstanceUID) + ".1/rendered", "image/png"), "image/png");
            assertNotEquals(mean(first), mean(middle), 0.5);
            assertEquals(mean(middle), mean(image(s.get(study + "/rendered", "image/png"), "image/png")), 0.01);
            assertEquals(mean(middle), mean(image(s.get(study + "/series/" + series + "/rendered", "image/png"),
                    "image/png")), 0.01);
            var planSeries = s.get(study + "/series/" + plan.getString(Tag.SeriesInstanceUID) + "/rendered", "image/png");
            assertEquals(406, planSeries.statusCode(), reason(planSeries));
        }
    }

    @Test
    void refusalsSayWhy() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Path ct = TestData.pydicomFile("CT_small.dcm");
            TestFiles.store(s, ct);
            String p = instancePath(ct);
            var notImage = s.get(p + "/rendered", "application/dicom");
            assertEquals(406, notImage.statusCode());
            assertTrue(reason(notImage).contains("image/jpeg"), reason(notImage));
            var multipart = s.get(p + "/rendered", "multipart/related; type=\"application/octet-stream\"");
            assertEquals(406, multipart.statusCode());
            for (String bad : new String[] {"window=40", "window=a,400,LINEAR", "window=40,400,CUBIC",
                    "window=40,0,LINEAR", "window=40,0.5,SIGMOID,", "window=40,-1,SIGMOID", "viewport=0,10", "viewport=10", "viewport=64,64,200,200,10,10", "viewport=5000,10",
                    "quality=0", "quality=101", "quality=high"}) {
                var r = s.get(p + "/rendered?" + bad, "image/jpeg");
                assertEquals(400, r.statusCode(), bad + ": " + reason(r));
                assertTrue(reason(r).length() > 15, reason(r));
            }
            var unknown = s.get(p.replace("/instances/", "/instances/9") + "/rendered", "image/jpeg");
            assertEquals(404, unknown.statusCode());
            assertEquals(404, s.get("/dicom-web/studies/1.2.3/rendered", "image/jpeg").statusCode());
            var frameZero = s.get(p + "/frames/0/rendered", "image/jpeg");
            assertEquals(400, frameZero.statusCode());
            var twoFrames = s.get(p + "/frames/1,2/rendered", "image/jpeg");
            assertEquals(400, twoFrames.statusCode());
            var past = s.get(p + "/frames/2/rendered", "image/jpeg");
            assertEquals(400, past.statusCode());

            Path lossy = TestData.pydicomFile("JPEG-lossy.dcm");
            TestFiles.store(s, lossy);
            var undecoded = s.get(instancePath(lossy) + "/rendered", "image/jpeg");
            assertEquals(406, undecoded.statusCode());
            assertTrue(reason(undecoded).contains("1.2.840.10008.1.2.4.51"), reason(undecoded));

            Path plan = TestData.pydicomFile("rtplan.dcm");
            TestFiles.store(s, plan);
            var noPixels = s.get(instancePath(plan) + "/rendered", "image/jpeg");
            assertEquals(406, noPixels.statusCode());
            assertTrue(reason(noPixels).contains("no Pixel Data"), reason(noPixels));
            assertNotEquals(500, s.get(instancePath(plan) + "/thumbnail", "image/png").statusCode());
        }
    }
}
