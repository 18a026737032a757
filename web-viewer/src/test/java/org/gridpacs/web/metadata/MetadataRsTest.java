package org.gridpacs.web.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.gridpacs.web.json.DicomJsonWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class MetadataRsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DICOM_JSON = "application/dicom+json";

    @TempDir
    Path dir;

    private static String instancePath(DataSet ds) {
        return "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID) + "/series/"
                + ds.getString(Tag.SeriesInstanceUID) + "/instances/" + ds.getString(Tag.SOPInstanceUID);
    }

    private static JsonNode ok(HttpResponse<byte[]> r) throws Exception {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(200, r.statusCode(), body);
        JsonNode j = JSON.readTree(body);
        assertTrue(j.isArray(), body);
        return j;
    }

    @Test
    void pydicomFilesAnswerTheirDataSetsFromTheIndexWithBulkDataUris() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm", "rtplan.dcm",
                    "SC_rgb_rle_2frame.dcm", "JPEG-lossy.dcm")) {
                Path file = TestData.pydicomFile(name);
                DataSet whole = readFile(file);
                String ts;
                if (name.startsWith("rt")) {
                    s.store(whole); // their meta information names another SOP Instance UID than the data set
                    ts = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
                } else {
                    s.storeFile(file);
                    ts = fileTransferSyntax(file);
                }
                String path = instancePath(whole);
                HttpResponse<byte[]> r = s.get(path + "/metadata", DICOM_JSON);
                assertEquals(DICOM_JSON, r.headers().firstValue("Content-Type").orElse(""), name);
                JsonNode array = ok(r);
                assertEquals(1, array.size(), name);
                JsonNode metadata = array.get(0);
                JsonNode expected = JSON.readTree(DicomJsonWriter.toJson(whole));
                assertEquals(ts, metadata.at("/00083002/Value/0").asText(), name + ": AvailableTransferSyntaxUID");
                assertSortedKeys(metadata, name);
                compare(expected, metadata, "", s.origin() + path + "/bulkdata/", name);
                JsonNode pixels = metadata.get("7FE00010");
                if (!whole.contains(Tag.PixelData)) {
                    assertEquals(null, pixels, name);
                    continue;
                }
                assertEquals(s.root() + path.substring("/dicom-web".length()) + "/bulkdata/7FE00010",
                        pixels == null ? null : pixels.path("BulkDataURI").asText(null), name + " pixel data");
                assertFalse(pixels.has("InlineBinary"), name);
            }
            // rtplan has no image: no Pixel Data announced
            DataSet plan = readFile(TestData.pydicomFile("rtplan.dcm"));
            assertFalse(ok(s.get(instancePath(plan) + "/metadata", DICOM_JSON)).get(0).has("7FE00010"));
            // rtdose's 32-bit pixels, 15 frames: announced, with what OHIF needs to place them
            DataSet dose = readFile(TestData.pydicomFile("rtdose.dcm"));
            JsonNode d = ok(s.get(instancePath(dose) + "/metadata", DICOM_JSON)).get(0);
            assertEquals("OW", d.at("/7FE00010/vr").asText());
            assertEquals(32, d.at("/00280100/Value/0").asInt());
            assertEquals(15, d.at("/00280008/Value/0").asInt());
            assertEquals(15, d.at("/3004000C/Value").size(), "GridFrameOffsetVector");
            assertTrue(d.at("/3004000E/Value/0").isNumber(), "DoseGridScaling as a number");
            assertEquals(dose.getString(Tag.SOPInstanceUID), d.at("/00080018/Value/0").asText());
            assertEquals(dose.getString(Tag.SeriesInstanceUID), d.at("/0020000E/Value/0").asText());
            assertEquals(dose.getString(Tag.StudyInstanceUID), d.at("/0020000D/Value/0").asText());
        }
    }

    /**
     * The metadata is the file's JSON model, except: values the header left out, and Pixel Data, are BulkDataURIs
     * (never inline); Available Transfer Syntax UID is added; what follows Pixel Data is not in the index.
     */
    private static void compare(JsonNode file, JsonNode meta, String prefix, String bulkRoot, String name) {
        List<String> keys = new ArrayList<>();
        meta.fieldNames().forEachRemaining(keys::add);
        for (Iterator<Map.Entry<String, JsonNode>> it = file.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            JsonNode f = e.getValue();
            JsonNode m = meta.get(e.getKey());
            keys.remove(e.getKey());
            if (prefix.isEmpty() && e.getKey().compareTo("7FE00010") > 0) {
                continue; // the index keeps the header up to Pixel Data: trailing padding (FFFC,FFFC) is not in it
            }
            assertTrue(m != null, name + ": " + path + " missing from the metadata");
            assertEquals(f.get("vr"), m.get("vr"), name + ": " + path);
            boolean pixelData = e.getKey().equals("7FE00010") && prefix.isEmpty();
            boolean large = f.has("InlineBinary")
                    && java.util.Base64.getDecoder().decode(f.get("InlineBinary").asText()).length > 4096;
            boolean leftInSource = !f.has("Value") && !f.has("InlineBinary") && f.get("vr").asText().startsWith("O");
            if (pixelData || large || leftInSource) {
                assertEquals(bulkRoot + path, m.path("BulkDataURI").asText(), name + ": " + path);
                assertFalse(m.has("InlineBinary") || m.has("Value"), name + ": " + path);
            } else if (f.get("vr").asText().equals("SQ") && f.has("Value")) {
                assertEquals(f.get("Value").size(), m.get("Value").size(), name + ": " + path);
                for (int i = 0; i < f.get("Value").size(); i++) {
                    compare(f.get("Value").get(i), m.get("Value").get(i), path + "/" + i + "/", bulkRoot, name);
                }
            } else {
                assertEquals(f, m, name + ": " + path);
            }
        }
        if (prefix.isEmpty()) {
            keys.remove("00083002");
        }
        assertEquals(List.of(), keys, name + ": attributes only in the metadata at " + prefix);
    }

    private static void assertSortedKeys(JsonNode ds, String name) {
        List<String> keys = new ArrayList<>();
        ds.fieldNames().forEachRemaining(keys::add);
        assertEquals(keys.stream().sorted().toList(), keys, name);
        for (JsonNode attribute : ds) {
            if (attribute.path("vr").asText().equals("SQ")) {
                for (JsonNode item : attribute.path("Value")) {
                    assertSortedKeys(item, name);
                }
            }
        }
    }

    /** The data set of a Part 10 file, read whole. */
    private static DataSet readFile(Path file) throws Exception {
        try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file))) {
            org.gridpacs.dicom.io.DicomInputStream d = new org.gridpacs.dicom.io.DicomInputStream(in);
            d.readFileMetaInformation();
            return d.readDataSet();
        }
    }

    private static String fileTransferSyntax(Path file) throws Exception {
        try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file))) {
            return org.gridpacs.dicom.io.FileMetaInformation.read(in).getString(Tag.TransferSyntaxUID);
        }
    }

    @Test
    void studyAndSeriesMetadataInSeriesAndInstanceNumberOrder() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String study = "1.2.826.0.1.3680043.8.1055.1.1";
            String s1 = study + ".1";
            String s2 = study + ".2";
            List<String> expected = new ArrayList<>();
            // series 2 stored first, instances out of order
            for (int n : new int[] {3, 1, 2}) {
                DataSet ds = SyntheticInstances.ct("P1", study, s2, n, n);
                ds.setInt(Tag.SeriesNumber, VR.IS, 2);
                s.store(ds);
            }
            for (int n : new int[] {2, 1}) {
                s.store(SyntheticInstances.ct("P1", study, s1, n, 10 + n));
            }
            JsonNode all = ok(s.get("/dicom-web/studies/" + study + "/metadata", DICOM_JSON));
            List<String> order = new ArrayList<>();
            for (JsonNode i : all) {
                order.add(i.at("/00200011/Value/0").asInt() + ":" + i.at("/00200013/Value/0").asInt());
            }
            assertEquals(List.of("1:1", "1:2", "2:1", "2:2", "2:3"), order);
            JsonNode series = ok(s.get("/dicom-web/studies/" + study + "/series/" + s2 + "/metadata", DICOM_JSON));
            assertEquals(3, series.size());
            for (JsonNode i : series) {
                assertEquals(s2, i.at("/0020000E/Value/0").asText());
                assertEquals("Test^P1", i.at("/00100010/Value/0/Alphabetic").asText());
                assertEquals("OW", i.at("/7FE00010/vr").asText());
                assertFalse(i.has("00090010") || i.has("00090011"), "the index's own record is not the instance's");
            }
        }
    }

    @Test
    void unknownUidsAre404WithTheReasonAndUnmetAcceptIs406() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ds = SyntheticInstances.ct("P2");
            s.store(ds);
            String study = ds.getString(Tag.StudyInstanceUID);
            String series = ds.getString(Tag.SeriesInstanceUID);
            assertRefused(s.get("/dicom-web/studies/1.2.3/metadata", DICOM_JSON), 404, "no study 1.2.3");
            assertRefused(s.get("/dicom-web/studies/" + study + "/series/1.2.4/metadata", DICOM_JSON), 404,
                    "no series 1.2.4");
            assertRefused(s.get("/dicom-web/studies/" + study + "/series/" + series + "/instances/1.2.5/metadata",
                    DICOM_JSON), 404, "no instance 1.2.5");
            assertRefused(s.get("/dicom-web/studies/" + study + "/metadata",
                    "multipart/related; type=\"application/dicom+xml\""), 406, "application/dicom+json");
            assertRefused(s.get("/dicom-web/studies/" + study + "/metadata", "image/jpeg"), 406, "application/dicom+json");
            for (String accept : new String[] {"application/json", "*/*", null,
                    "multipart/related; type=application/dicom+xml, application/dicom+json;q=0.5"}) {
                HttpResponse<byte[]> r = s.get("/dicom-web/studies/" + study + "/metadata", accept);
                assertEquals(1, ok(r).size(), accept);
                assertEquals("application/json".equals(accept) ? "application/json" : DICOM_JSON,
                        r.headers().firstValue("Content-Type").orElse(""), accept);
            }
        }
    }

    private static void assertRefused(HttpResponse<byte[]> r, int status, String reason) {
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), body);
        assertTrue(body.contains(reason), body);
    }

    @Test
    void valuesLeftOutOfTheHeaderAtAnyDepthAreBulkDataUrisAndSmallOnesInline() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ds = SyntheticInstances.ct("P3");
            Sequence seq = ds.newSequence(Tag.ReferencedImageSequence);
            seq.addItem().setString(Tag.ReferencedSOPInstanceUID, VR.UI, "1.2.3");
            DataSet item = seq.addItem();
            item.setBytes(0x00091010, VR.OB, new byte[5000]); // private, no creator: kept as OB by Explicit VR
            ds.setBytes(0x60003000, VR.OW, new byte[8192]); // overlay above the threshold
            ds.setBytes(0x00291010, VR.OB, new byte[] {1, 2, 3, 4}); // small: inline
            s.store(ds);
            String path = instancePath(ds);
            JsonNode m = ok(s.get(path + "/metadata", DICOM_JSON)).get(0);
            String bulk = s.root() + path.substring("/dicom-web".length()) + "/bulkdata/";
            assertEquals(bulk + "00081140/1/00091010", m.at("/00081140/Value/1/00091010/BulkDataURI").asText());
            assertEquals(bulk + "60003000", m.at("/60003000/BulkDataURI").asText());
            assertEquals("OW", m.at("/60003000/vr").asText());
            assertEquals("AQIDBA==", m.at("/00291010/InlineBinary").asText());
            assertEquals(bulk + "7FE00010", m.at("/7FE00010/BulkDataURI").asText());
        }
    }

    @Test
    void rowsIndexedBeforeLeftOutValuesWereRecordedStillAnnouncePixelData() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ds = SyntheticInstances.ct("P4");
            ds.setBytes(0x60003000, VR.OW, new byte[8192]);
            s.store(ds);
            // the header as it was encoded before: without the pixel data and overlay, and without a record
            DataSet old = ds.copy();
            old.remove(Tag.PixelData);
            old.remove(0x60003000);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DicomOutputStream out = new DicomOutputStream(bytes);
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(old);
            out.finish();
            s.db.inTransaction(c -> Jdbc.update(c, "UPDATE instance SET header = ? WHERE sop_uid = ?",
                    bytes.toByteArray(), ds.getString(Tag.SOPInstanceUID)));
            JsonNode m = ok(s.get(instancePath(ds) + "/metadata", DICOM_JSON)).get(0);
            assertEquals("OW", m.at("/7FE00010/vr").asText());
            assertTrue(m.at("/7FE00010/BulkDataURI").asText().endsWith("/bulkdata/7FE00010"));
            assertFalse(m.has("60003000"), "not known to have been left out");
        }
    }

    @Test
    void jsonIsGzippedWhenAskedAndTheSameOnceDecoded() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ds = SyntheticInstances.ct("P5");
            s.store(ds);
            String uri = s.origin() + "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID) + "/metadata";
            HttpResponse<byte[]> plain = s.get(uri.substring(s.origin().length()), DICOM_JSON);
            HttpResponse<byte[]> gz = s.client().send(HttpRequest.newBuilder(URI.create(uri))
                    .header("Accept", DICOM_JSON).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, gz.statusCode());
            assertFalse(plain.headers().firstValue("Content-Encoding").isPresent());
            assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
            byte[] decoded = new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes();
            assertEquals(new String(plain.body(), StandardCharsets.UTF_8), new String(decoded, StandardCharsets.UTF_8));
            assertTrue(gz.body().length < plain.body().length, gz.body().length + " vs " + plain.body().length);
            // a refusal is small JSON: not compressed
            HttpResponse<byte[]> refused = s.client().send(HttpRequest.newBuilder(URI.create(
                    s.root() + "/studies/1.2.3/metadata")).header("Accept-Encoding", "gzip").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(404, refused.statusCode());
            assertFalse(refused.headers().firstValue("Content-Encoding").isPresent());
        }
    }
}
