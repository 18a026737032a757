package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.web.WebTestServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OHIF in a browser tab, as far as DICOMweb goes: sends a request as the page does and reads the answer as OHIF and
 * cornerstone do (dicomweb.md 1.2, 1.3), checking it against what was stored; keeps what OHIF keeps between
 * requests (the metadata, by which it sizes the frames it asks for).
 */
final class OhifSession {
    /** How the test data is stored, and so what cornerstone must be told for the frames and the bulk data. */
    static final String EXPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    /** What dicomweb-client asks bulk data with. */
    static final String BULK = "multipart/related; type=\"application/octet-stream\"";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERIES_LIST = Pattern.compile("/dicom-web/studies/([0-9.]+)/series");
    private static final Pattern METADATA = Pattern.compile(
            "/dicom-web/studies/([0-9.]+)(?:/series/([0-9.]+))?/metadata");
    private static final Pattern FRAMES = Pattern.compile(
            "/dicom-web/studies/([0-9.]+)/series/([0-9.]+)/instances/([0-9.]+)/frames/([0-9]+)");

    private final WebTestServer s;
    private final StoredStudies stored;
    /** The metadata answers seen so far, by SOP Instance UID. */
    final Map<String, JsonNode> metadataSeen = new HashMap<>();
    /** The Content-Encodings of the answers. */
    final Map<String, Integer> encodings = new TreeMap<>();

    OhifSession(WebTestServer s, StoredStudies stored) {
        this.s = s;
        this.stored = stored;
    }

    /** Sends one request as OHIF does and checks the answer as OHIF reads it; returns the kind of request. */
    String replay(String url, String accept) throws Exception {
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        BrowserGet.Answer r = get(url, accept);
        Matcher m;
        if (path.equals("/dicom-web/studies")) {
            studyRows(r, url, stored.expectedStudies(StoredStudies.query(q < 0 ? "" : url.substring(q + 1))));
            return "studies";
        } else if ((m = SERIES_LIST.matcher(path)).matches()) {
            seriesRows(r, url, m.group(1));
            return "series";
        } else if ((m = METADATA.matcher(path)).matches()) {
            metadata(r, url, m.group(1), m.group(2));
            return "metadata";
        } else if ((m = FRAMES.matcher(path)).matches()) {
            frame(r, url, m.group(3), Integer.parseInt(m.group(4)));
            return "frames";
        }
        throw new AssertionError("the replay has no check for " + url);
    }

    /** A study search with OHIF's Accept; the studies found, each row checked. */
    Set<String> studyList(String query) throws Exception {
        String url = "/dicom-web/studies?" + query;
        return studyRows(get(url, "application/dicom+json"), url, stored.expectedStudies(StoredStudies.query(query)));
    }

    private Set<String> studyRows(BrowserGet.Answer r, String url, Set<String> expected) throws Exception {
        JsonNode rows = jsonArray(r, url);
        Set<String> found = new TreeSet<>();
        for (JsonNode row : rows) {
            String uid = row.at("/0020000D/Value/0").asText();
            OhifReads.Study study = stored.studies.get(uid);
            assertTrue(study != null, url + ": a study that was not stored: " + row);
            OhifReads.studyRow(row, study);
            found.add(uid);
        }
        assertEquals(rows.size(), found.size(), url + ": a study twice");
        assertEquals(new TreeSet<>(expected), found, url);
        return found;
    }

    private void seriesRows(BrowserGet.Answer r, String url, String study) throws Exception {
        JsonNode rows = jsonArray(r, url);
        Set<String> found = new TreeSet<>();
        for (JsonNode row : rows) {
            String uid = row.at("/0020000E/Value/0").asText();
            assertTrue(stored.seriesInstances.containsKey(uid), url + ": a series that was not stored: " + row);
            OhifReads.seriesRow(row, stored.seriesInstances.get(uid));
            found.add(uid);
        }
        assertEquals(stored.seriesOf(study), found, url);
    }

    private void metadata(BrowserGet.Answer r, String url, String study, String series) throws Exception {
        JsonNode array = jsonArray(r, url);
        Set<String> expected = new TreeSet<>();
        for (String uid : series == null ? stored.seriesOf(study) : Set.of(series)) {
            stored.seriesInstances.get(uid).forEach(ds -> expected.add(ds.getString(Tag.SOPInstanceUID)));
        }
        Set<String> found = new TreeSet<>();
        for (JsonNode meta : array) {
            String sop = meta.at("/00080018/Value/0").asText();
            DataSet ds = stored.instances.get(sop);
            assertTrue(ds != null, url + ": an instance that was not stored: " + sop);
            OhifReads.instanceMetadata(meta, ds);
            bulkData(meta, ds);
            metadataSeen.put(sop, meta);
            found.add(sop);
        }
        assertEquals(array.size(), found.size(), url + ": an instance twice");
        assertEquals(expected, found, url);
    }

    /**
     * The Pixel Data BulkDataURI, resolved as OHIF's fixBulkDataURI does (absolute as is; "/..." on the origin;
     * relative to the series) and fetched with dicomweb-client's Accept: the stored pixels.
     */
    private void bulkData(JsonNode meta, DataSet ds) throws Exception {
        String uri = meta.at("/7FE00010/BulkDataURI").asText();
        String url = uri.startsWith("http") ? uri : uri.startsWith("/") ? s.origin() + uri
                : s.root() + "/studies/" + ds.getString(Tag.StudyInstanceUID) + "/series/"
                + ds.getString(Tag.SeriesInstanceUID) + "/" + uri;
        assertTrue(url.startsWith(s.root() + "/"), "BulkDataURI " + uri + " does not lead to our DICOMweb");
        BrowserGet.Answer r = BrowserGet.get(s.client(), url, BULK);
        assertEquals(200, r.status(), () -> uri + ": " + r.text());
        CornerstoneFrame part = CornerstoneFrame.read(r.contentType(), r.body());
        assertEquals(EXPLICIT_LITTLE_ENDIAN, part.transferSyntax(), uri + ": part Content-Type " + part.contentType());
        assertArrayEquals(ds.getBytes(Tag.PixelData), part.pixelData(), uri);
    }

    /** As cornerstone's WADO-RS loader: only after the metadata, sized by it, decoded by the part's syntax. */
    private void frame(BrowserGet.Answer r, String url, String sop, int number) {
        JsonNode meta = metadataSeen.get(sop);
        assertTrue(meta != null, url + ": OHIF asks for frames only of instances whose metadata it has");
        assertTrue(r.status() == 200 || r.status() == 206, () -> url + ": " + r.status() + " " + r.text());
        CornerstoneFrame f = CornerstoneFrame.read(r.contentType(), r.body());
        assertEquals(EXPLICIT_LITTLE_ENDIAN, f.transferSyntax(), url + ": the syntax cornerstone decodes with (part "
                + "Content-Type " + f.contentType() + ", stored " + meta.at("/00083002/Value/0").asText() + ")");
        int length = meta.at("/00280010/Value/0").asInt() * meta.at("/00280011/Value/0").asInt()
                * meta.at("/00280100/Value/0").asInt() / 8 * meta.at("/00280002/Value/0").asInt();
        assertTrue(number <= meta.at("/00280008/Value/0").asInt(1), url + ": beyond NumberOfFrames");
        assertEquals(length, f.pixelData().length, url + ": rows x columns x bits/8 x samples");
        byte[] pixels = stored.instances.get(sop).getBytes(Tag.PixelData);
        assertArrayEquals(Arrays.copyOfRange(pixels, (number - 1) * length, number * length), f.pixelData(), url);
    }

    private static JsonNode jsonArray(BrowserGet.Answer r, String url) throws Exception {
        assertEquals(200, r.status(), () -> url + ": " + r.text());
        assertTrue(String.valueOf(r.contentType()).startsWith("application/dicom+json"), url + ": " + r.contentType());
        JsonNode j = JSON.readTree(r.body());
        assertTrue(j.isArray(), url + ": not an array");
        return j;
    }

    /** GET relative to the origin, as the browser sends it. */
    private BrowserGet.Answer get(String url, String accept) throws Exception {
        BrowserGet.Answer a = BrowserGet.get(s.client(), s.origin() + url, accept);
        encodings.merge(a.contentEncoding(), 1, Integer::sum);
        return a;
    }
}
