package org.gridpacs.web.wadouri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import javax.imageio.ImageIO;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Fragments;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.gridpacs.web.render.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WadoUriTest {
    /** What OHIF sends on every request, WADO-URI ones included (dicomweb.md 1.4). */
    static final String OHIF_ACCEPT = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=\"*\"";

    @TempDir
    Path dir;

    static String wado(DataSet ds, String more) {
        return "/wado?requestType=WADO&studyUID=" + ds.getString(Tag.StudyInstanceUID) + "&seriesUID="
                + ds.getString(Tag.SeriesInstanceUID) + "&objectUID=" + ds.getString(Tag.SOPInstanceUID) + more;
    }

    static String reason(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The File Meta Information and data set of a Part 10 answer. */
    static DataSet[] part10(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), () -> reason(r));
        assertEquals("application/dicom", r.headers().firstValue("Content-Type").orElse(""));
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(r.body()))) {
            DataSet fmi = in.readFileMetaInformation();
            assertNotNull(fmi, "a Part 10 file with File Meta Information");
            return new DataSet[] {fmi, in.readDataSet()};
        }
    }

    /** Element by element, then as a whole. */
    static void assertSameDataSet(DataSet expected, DataSet actual) {
        assertEquals(expected.size(), actual.size(), "number of elements");
        for (int i = 0; i < expected.size(); i++) {
            String tag = String.format("(%04X,%04X)", expected.tagAt(i) >>> 16, expected.tagAt(i) & 0xFFFF);
            assertEquals(expected.tagAt(i), actual.tagAt(i), "element " + i + ": " + tag);
            Object e = expected.valueAt(i);
            Object a = actual.valueAt(i);
            if (e instanceof byte[] eb) {
                assertArrayEquals(eb, (byte[]) a, tag);
            } else if (e instanceof Fragments ef) {
                Fragments af = (Fragments) a;
                assertEquals(ef.size(), af.size(), tag + " fragments");
                for (int k = 0; k < ef.size(); k++) {
                    assertArrayEquals((byte[]) ef.get(k), (byte[]) af.get(k), tag + " fragment " + k);
                }
            } else {
                assertEquals(e, a, tag);
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void partTenAsStoredWithOhifsAcceptAndItsTransferSyntaxStar() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            for (String name : new String[] {"CT_small.dcm", "MR_small_RLE.dcm", "rtdose.dcm"}) {
                Path f = TestData.pydicomFile(name);
                DataSet ds = TestFiles.store(s, f);
                String stored = s.retrieve.resolve(org.gridpacs.archive.query.QueryModel.STUDY_ROOT, id(ds)).get(0)
                        .transferSyntaxUID();
                DataSet[] got = part10(s.get(wado(ds, "&contentType=application%2Fdicom&transferSyntax=*"),
                        OHIF_ACCEPT));
                assertEquals(stored, got[0].getString(Tag.TransferSyntaxUID), name);
                assertEquals(ds.getString(Tag.SOPInstanceUID), got[0].getString(Tag.MediaStorageSOPInstanceUID));
                assertSameDataSet(ds, got[1]);
            }
        }
    }

    static DataSet id(DataSet ds) {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, org.gridpacs.dicom.data.VR.CS, "IMAGE");
        id.setString(Tag.StudyInstanceUID, org.gridpacs.dicom.data.VR.UI, ds.getString(Tag.StudyInstanceUID));
        id.setString(Tag.SOPInstanceUID, org.gridpacs.dicom.data.VR.UI, ds.getString(Tag.SOPInstanceUID));
        return id;
    }

    @Test
    void partTenDefaultsToExplicitLittleEndian() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            for (String name : new String[] {"rtdose.dcm", "MR_small_bigendian.dcm", "CT_small.dcm"}) {
                Path f = TestData.pydicomFile(name);
                DataSet ds = TestFiles.store(s, f);
                for (String accept : new String[] {"*/*", OHIF_ACCEPT, null}) {
                    DataSet[] got = part10(s.get(wado(ds, "&contentType=application/dicom"), accept));
                    assertEquals(UID.ExplicitVRLittleEndian, got[0].getString(Tag.TransferSyntaxUID), name);
                    assertSameDataSet(ds, got[1]);
                }
                DataSet[] implicit = part10(s.get(wado(ds, "&contentType=application/dicom&transferSyntax="
                        + UID.ImplicitVRLittleEndian), null));
                assertEquals(UID.ImplicitVRLittleEndian, implicit[0].getString(Tag.TransferSyntaxUID));
                assertSameDataSet(ds, implicit[1]);
            }
        }
    }

    @Test
    void losslessCompressedDataIsDecodedForTheDefaultSyntaxAndLossyIs406NamingTheWayOut() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet rle = TestFiles.store(s, TestData.pydicomFile("MR_small_RLE.dcm"));
            DataSet[] got = part10(s.get(wado(rle, "&contentType=application/dicom"), OHIF_ACCEPT));
            assertEquals(UID.ExplicitVRLittleEndian, got[0].getString(Tag.TransferSyntaxUID));
            DataSet plain = TestFiles.read(TestData.pydicomFile("MR_small.dcm"));
            assertArrayEquals(plain.getBytes(Tag.PixelData), got[1].getBytes(Tag.PixelData), "the decoded pixels");
            DataSet header = rle.copy();
            header.remove(Tag.PixelData);
            // what follows Pixel Data (here Data Set Trailing Padding) follows it in the decoded file too
            got[1].remove(Tag.PixelData);
            assertSameDataSet(header, got[1]);

            DataSet rgb = TestFiles.store(s, TestData.pydicomFile("SC_rgb_jpeg_gdcm.dcm"));
            DataSet[] decoded = part10(s.get(wado(rgb, "&contentType=application/dicom"), null));
            assertEquals(rgb.getInt(Tag.Rows, 0) * rgb.getInt(Tag.Columns, 0) * 3,
                    decoded[1].getBytes(Tag.PixelData).length);

            var other = s.get(wado(rle, "&contentType=application/dicom&transferSyntax=" + UID.JPEGBaseline8Bit), null);
            assertEquals(406, other.statusCode());
            assertTrue(reason(other).contains("transferSyntax=*"), reason(other));
            DataSet lossy = TestFiles.store(s, TestData.pydicomFile("JPEG-lossy.dcm"));
            var r = s.get(wado(lossy, "&contentType=application/dicom"), OHIF_ACCEPT);
            assertEquals(406, r.statusCode());
            assertTrue(reason(r).contains("transferSyntax=*"), reason(r));
            part10(s.get(wado(lossy, "&contentType=application/dicom&transferSyntax=*"), OHIF_ACCEPT));
        }
    }

    static BufferedImage image(HttpResponse<byte[]> r, String type) throws Exception {
        assertEquals(200, r.statusCode(), () -> reason(r));
        assertEquals(type, r.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertNotNull(img);
        return img;
    }

    static int grey(BufferedImage img, int x, int y) {
        var r = img.getRaster();
        return r.getNumBands() == 1 ? r.getSample(x, y, 0)
                : (r.getSample(x, y, 0) + r.getSample(x, y, 1) + r.getSample(x, y, 2)) / 3;
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

    @Test
    void renderedJpegByDefaultWithOhifsAcceptAndTheRenderingParameters() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ct = TestFiles.store(s, TestData.pydicomFile("CT_small.dcm"));
            BufferedImage jpeg = image(s.get(wado(ct, ""), OHIF_ACCEPT), "image/jpeg");
            assertEquals(128, jpeg.getWidth());
            image(s.get(wado(ct, "&contentType=image/jpeg"), "*/*"), "image/jpeg");
            BufferedImage png = image(s.get(wado(ct, "&contentType=image/png"), OHIF_ACCEPT), "image/png");
            image(s.get(wado(ct, "&contentType=text/html,image/gif"), null), "image/gif");
            BufferedImage scaled = image(s.get(wado(ct, "&contentType=image/png&rows=64&columns=32"), null), "image/png");
            assertEquals(32, scaled.getWidth());
            assertEquals(32, scaled.getHeight());
            BufferedImage region = image(s.get(wado(ct, "&contentType=image/png&region=0,0,0.5,0.25"), null),
                    "image/png");
            assertEquals(64, region.getWidth());
            assertEquals(32, region.getHeight());
            assertEquals(grey(png, 10, 10), grey(region, 10, 10), "the region is the top-left part");
            BufferedImage windowed = image(s.get(wado(ct, "&contentType=image/png&windowCenter=40&windowWidth=10"),
                    null), "image/png");
            assertTrue(Math.abs(mean(windowed) - mean(png)) > 5, "the window changes the image");
            int small = s.get(wado(ct, "&imageQuality=5"), null).body().length;
            int large = s.get(wado(ct, "&imageQuality=100"), null).body().length;
            assertTrue(small < large, "imageQuality " + small + " < " + large);

            DataSet dose = TestFiles.store(s, TestData.pydicomFile("rtdose.dcm"));
            BufferedImage f7 = image(s.get(wado(dose, "&contentType=image/png&frameNumber=7"), null), "image/png");
            assertEquals(10, f7.getWidth());
            var past = s.get(wado(dose, "&frameNumber=16"), null);
            assertEquals(400, past.statusCode());
            assertTrue(reason(past).contains("has 15"), reason(past));
        }
    }

    @Test
    void refusalsSayWhy() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ct = TestFiles.store(s, TestData.pydicomFile("CT_small.dcm"));
            String ok = wado(ct, "");
            String[][] cases = {
                {ok.replace("requestType=WADO&", ""), "400", "requestType"},
                {ok.replace("requestType=WADO", "requestType=WADOX"), "400", "WADOX"},
                {ok.replaceAll("&seriesUID=[0-9.]+", ""), "400", "seriesUID"},
                {ok.replaceAll("studyUID=[0-9.]+", "studyUID="), "400", "studyUID"},
                {ok + "&anonymize=yes", "400", "anonymize"},
                {ok + "&frameNumber=0", "400", "frameNumber"},
                {ok + "&frameNumber=2", "400", "has 1"},
                {ok + "&rows=-3", "400", "rows"},
                {ok + "&region=0.5,0,0.2,1", "400", "region"},
                {ok + "&region=0,0,1", "400", "region"},
                {ok + "&windowCenter=40", "400", "windowWidth"},
                {ok + "&windowCenter=40&windowWidth=abc", "400", "width"},
                {ok + "&imageQuality=0", "400", "imageQuality"},
                {ok + "&contentType=text/html", "406", "application/dicom"},
                {ok.replaceAll("objectUID=[0-9.]+", "objectUID=1.2.3.4"), "404", "1.2.3.4"},
                {ok.replaceAll("seriesUID=[0-9.]+", "seriesUID=1.2.3.4"), "404", "1.2.3.4"},
            };
            for (String[] c : cases) {
                var r = s.get(c[0], OHIF_ACCEPT);
                assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0] + ": " + reason(r));
                assertTrue(reason(r).contains(c[2]), c[0] + ": " + reason(r));
            }
            DataSet plan = TestFiles.store(s, TestData.pydicomFile("rtplan.dcm"));
            var r = s.get(wado(plan, ""), null);
            assertEquals(406, r.statusCode());
            assertTrue(reason(r).contains("no Pixel Data"), reason(r));
            var post = s.client().send(HttpRequest.newBuilder(URI.create(s.origin() + ok))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            assertTrue(Arrays.asList(200).contains(s.get(ok, null).statusCode()), "the server keeps serving");
        }
    }
}
