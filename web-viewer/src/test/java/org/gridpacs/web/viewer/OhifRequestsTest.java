package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * OHIF 3.12.10's own DICOMweb requests, as recorded from the viewer in the browser test, replayed against our archive
 * holding the same kind of data (a 20-slice CT study; a CT + 20-frame RT Dose study on one Frame of Reference), each
 * answer read the way OHIF reads it (dicomweb.md 1.1-1.3); then the requests OHIF sends that the recording lacks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OhifRequestsTest {
    /** OHIF's default frame Accept (the recording used omitQuotationForMultipartRequest, the unquoted form). */
    static final String FRAMES_QUOTED = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=\"*\"";
    /** What dicomweb-client asks bulk data with. */
    static final String BULK = "multipart/related; type=\"application/octet-stream\"";
    /** What OHIF's study list adds to every search. */
    static final String LIST = "limit=101&offset=0&fuzzymatching=true&includefield=00081030%2C00080060";
    /** How the test data is stored, and so what cornerstone must be told for the frames and the bulk data. */
    static final String EXPLICIT_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERIES_LIST = Pattern.compile("/dicom-web/studies/([0-9.]+)/series");
    private static final Pattern METADATA = Pattern.compile("/dicom-web/studies/([0-9.]+)(?:/series/([0-9.]+))?/metadata");
    private static final Pattern FRAMES = Pattern.compile(
            "/dicom-web/studies/([0-9.]+)/series/([0-9.]+)/instances/([0-9.]+)/frames/([0-9]+)");

    final CtWithDose ctOnly = new CtWithDose("VIEWER^CT", "VCT1");
    final CtWithDose withDose = new CtWithDose("VIEWER^DOSE", "VDOSE1");
    /** Not in the recording: an older study, that OHIF's date ranges must leave out or find. */
    final CtWithDose older = new CtWithDose("VIEWER^OLD", "VOLD1");
    final Map<String, OhifReads.Study> studies = new LinkedHashMap<>();
    final Map<String, List<DataSet>> seriesInstances = new LinkedHashMap<>();
    final Map<String, DataSet> instances = new HashMap<>();
    /** The names of the recording ({study1}, {instance41}, ...) and their UIDs here. */
    final Map<String, String> names = new HashMap<>();
    /** The metadata answers seen so far, by SOP Instance UID: OHIF sizes the frames it asks by them. */
    final Map<String, JsonNode> metadataSeen = new HashMap<>();
    /** The Content-Encodings of the answers to the browser's requests. */
    final Map<String, Integer> encodings = new TreeMap<>();
    WebTestServer s;
    Path dir;

    @BeforeAll
    void store() throws Exception {
        dir = Files.createTempDirectory("ohif-requests");
        s = new WebTestServer(dir);
        List<DataSet> ct1 = ctOnly.ct();
        List<DataSet> ct2 = withDose.ct();
        DataSet dose = withDose.dose();
        List<DataSet> ct3 = older.ct().subList(0, 3);
        ct3.forEach(ds -> ds.setString(Tag.StudyDate, VR.DA, "19991231"));
        study(ctOnly, "20261201", List.of(ct1));
        study(withDose, "20261201", List.of(ct2, List.of(dose)));
        study(older, "19991231", List.of(ct3));
        // the recording's names are numbered in the order OHIF first used them: the dose series (series2) before
        // the CT (series3) of study2; which slice OHIF asked first is not recorded, so slices go by InstanceNumber
        names.put("study1", ctOnly.study);
        names.put("series1", ctOnly.ctSeries);
        names.put("study2", withDose.study);
        names.put("series2", withDose.doseSeries);
        names.put("series3", withDose.ctSeries);
        for (int k = 0; k < CtWithDose.SLICES; k++) {
            names.put("instance" + (k + 1), uid(ct1.get(k)));
            names.put("instance" + (k + 21), uid(ct2.get(k)));
        }
        names.put("instance41", uid(dose));
    }

    private void study(CtWithDose study, String date, List<List<DataSet>> series) throws Exception {
        Set<String> modalities = new TreeSet<>();
        int count = 0;
        for (List<DataSet> list : series) {
            for (DataSet ds : list) {
                s.store(ds);
                instances.put(uid(ds), ds);
            }
            seriesInstances.put(list.get(0).getString(Tag.SeriesInstanceUID), list);
            modalities.add(list.get(0).getString(Tag.Modality));
            count += list.size();
        }
        studies.put(study.study, new OhifReads.Study(study.study, study.patientId, study.patientName, date,
                "Viewer test " + study.patientId, modalities, count));
    }

    @AfterAll
    void close() throws Exception {
        s.close();
    }

    @Test
    void everyRecordedRequestGivesWhatOhifReads() throws Exception {
        List<OhifRecording.Request> recorded = OhifRecording.load(names);
        metadataSeen.clear(); // as in a fresh browser tab
        encodings.clear();
        Map<String, Integer> kinds = new TreeMap<>();
        for (OhifRecording.Request r : recorded) {
            assertEquals("GET", r.method(), r.toString());
            kinds.merge(replay(r.url(), r.accept()), 1, Integer::sum);
        }
        assertEquals(Map.of("frames", 60, "metadata", 3, "series", 3, "studies", 6), kinds,
                "requests of each kind replayed");
        assertEquals(41, metadataSeen.size(), "instances whose metadata OHIF was given");
        // the 12 JSON answers (6 study lists, 3 series lists, 3 metadata) at least
        assertTrue(encodings.getOrDefault("gzip", 0) >= 12, "the JSON answers gzipped for the browser: " + encodings);
        // the model's answer to the recorded MRN filter, spelled out: only that patient's study
        assertEquals(Set.of(ctOnly.study), expectedStudies(query("00100020=*VCT1*&" + LIST)));
    }

    // ---------------------------------------------------------------- what the recording lacks (dicomweb.md 1.1)

    @Test
    void studyDateRangesAsOhifSendsThem() throws Exception {
        String today = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
        assertEquals(Set.of(ctOnly.study, withDose.study), studyList(LIST + "&StudyDate=20261201-20261207"));
        // only a start: OHIF sends start-<today>
        assertEquals(expectedStudies(query("StudyDate=20261201-" + today)),
                studyList(LIST + "&StudyDate=20261201-" + today));
        // only an end: OHIF sends 19700102-end
        assertEquals(Set.of(older.study), studyList(LIST + "&StudyDate=19700102-20000101"));
        assertEquals(Set.of(), studyList(LIST + "&StudyDate=20261202-20261207"));
    }

    /** The MRN typed in the study list goes as *value* (supportsWildcard): part of an ID finds it. */
    @Test
    void patientIdTypedInTheStudyListMatchesPartOfTheId() throws Exception {
        assertEquals(Set.of(withDose.study), studyList("00100020=*DOSE*&" + LIST));
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study), studyList("00100020=*V*&" + LIST));
        assertEquals(Set.of(), studyList("00100020=*VCT2*&" + LIST));
    }

    /**
     * The study list's other filters (mapParams in OHIF's qido.js): text typed is wrapped in *...* (supportsWildcard);
     * the modalities picked go as one value, an array that encodeURIComponent joins with %2C.
     */
    @Test
    void theStudyListsOtherFilters() throws Exception {
        assertEquals(Set.of(withDose.study), studyList("PatientName=*DOSE*&" + LIST));
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study), studyList("PatientName=*VIEWER*&" + LIST));
        assertEquals(Set.of(older.study), studyList("AccessionNumber=*OLD*&" + LIST));
        assertEquals(Set.of(ctOnly.study), studyList("StudyDescription=*VCT1*&" + LIST));
        assertEquals(Set.of(withDose.study), studyList(LIST + "&ModalitiesInStudy=RTDOSE"));
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study), studyList(LIST + "&ModalitiesInStudy=CT"));
    }

    /** Two modalities picked in the study list's filter: studies with either (OHIF's app.bundle splits ?modalities= on ','). */
    @Test
    void modalitiesPickedTogetherFindStudiesWithEither() throws Exception {
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study),
                studyList(LIST + "&ModalitiesInStudy=CT%2CRTDOSE"));
        assertEquals(Set.of(withDose.study), studyList(LIST + "&ModalitiesInStudy=MR%2CRTDOSE"));
    }

    @Test
    void studyUidListsJoinedWithABackslash() throws Exception {
        assertEquals(Set.of(ctOnly.study, withDose.study),
                studyList(LIST + "&StudyInstanceUID=" + ctOnly.study + "%5C" + withDose.study));
        assertEquals(Set.of(older.study, withDose.study),
                studyList(LIST + "&StudyInstanceUID=" + older.study + "%5C" + withDose.study));
    }

    @Test
    void framesWithOhifsDefaultQuotedAccept() throws Exception {
        String ct = withDose.study + "/series/" + withDose.ctSeries + "/metadata";
        String dose = withDose.study + "/series/" + withDose.doseSeries + "/metadata";
        replay("/dicom-web/studies/" + ct, "application/dicom+json");
        replay("/dicom-web/studies/" + dose, "application/dicom+json");
        DataSet slice = seriesInstances.get(withDose.ctSeries).get(7);
        DataSet rtDose = seriesInstances.get(withDose.doseSeries).get(0);
        for (String frame : List.of(instancePath(slice) + "/frames/1", instancePath(rtDose) + "/frames/7",
                instancePath(rtDose) + "/frames/20")) {
            assertEquals("frames", replay(frame, FRAMES_QUOTED));
        }
    }

    @Test
    void studyMetadataWhenLazyLoadIsOff() throws Exception {
        assertEquals("metadata", replay("/dicom-web/studies/" + withDose.study + "/metadata", "application/dicom+json"));
        assertEquals(CtWithDose.SLICES + 1, metadataSeen.keySet().stream()
                .filter(sop -> instances.get(sop).getString(Tag.StudyInstanceUID).equals(withDose.study)).count());
    }

    /** imageRendering 'wadouri': OHIF's imageIds, and its multipart Accept put on them by beforeSend (dicomweb.md 1.4). */
    @Test
    void wadoUriImageIdsWithOhifsMultipartAccept() throws Exception {
        for (DataSet ds : List.of(seriesInstances.get(ctOnly.ctSeries).get(0),
                seriesInstances.get(withDose.doseSeries).get(0))) {
            String url = "/wado?requestType=WADO&studyUID=" + ds.getString(Tag.StudyInstanceUID) + "&seriesUID="
                    + ds.getString(Tag.SeriesInstanceUID) + "&objectUID=" + uid(ds)
                    + "&contentType=application/dicom&transferSyntax=*";
            for (String accept : List.of(FRAMES_QUOTED, FRAMES_QUOTED.replace("\"", ""))) {
                HttpResponse<byte[]> r = s.get(url, accept);
                assertEquals(200, r.statusCode(), () -> url + " with " + accept + ": " + text(r));
                assertEquals("application/dicom", r.headers().firstValue("Content-Type").orElse(""), url);
                // dicomParser wants the preamble and DICM
                assertEquals("DICM", new String(r.body(), 128, 4, StandardCharsets.US_ASCII), url);
                try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(r.body()))) {
                    in.readFileMetaInformation();
                    DataSet got = in.readDataSet();
                    assertEquals(uid(ds), got.getString(Tag.SOPInstanceUID));
                    assertArrayEquals(ds.getBytes(Tag.PixelData), got.getBytes(Tag.PixelData), url);
                }
            }
        }
    }

    // ---------------------------------------------------------------- replay and read as OHIF does

    /** Sends one request as OHIF does and checks the answer as OHIF reads it; returns the kind of request. */
    private String replay(String url, String accept) throws Exception {
        int q = url.indexOf('?');
        String path = q < 0 ? url : url.substring(0, q);
        Map<String, String> query = query(q < 0 ? "" : url.substring(q + 1));
        BrowserGet.Answer r = get(url, accept);
        Matcher m;
        if (path.equals("/dicom-web/studies")) {
            studyRows(r, url, expectedStudies(query));
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

    private Set<String> studyList(String query) throws Exception {
        String url = "/dicom-web/studies?" + query;
        return studyRows(get(url, "application/dicom+json"), url, expectedStudies(query(query)));
    }

    private Set<String> studyRows(BrowserGet.Answer r, String url, Set<String> expected) throws Exception {
        JsonNode rows = jsonArray(r, url);
        Set<String> found = new TreeSet<>();
        for (JsonNode row : rows) {
            String uid = row.at("/0020000D/Value/0").asText();
            OhifReads.Study study = studies.get(uid);
            assertTrue(study != null, url + ": a study that was not stored: " + row);
            OhifReads.studyRow(row, study);
            found.add(uid);
        }
        assertEquals(rows.size(), found.size(), url + ": a study twice");
        assertEquals(new TreeSet<>(expected), found, url);
        return found;
    }

    /** Which stored studies a study search must find: the keys OHIF sends, matched as PS3.4 C.2.2.2 says. */
    private Set<String> expectedStudies(Map<String, String> query) {
        Set<String> expected = new TreeSet<>();
        for (OhifReads.Study st : studies.values()) {
            boolean match = true;
            for (Map.Entry<String, String> e : query.entrySet()) {
                String v = e.getValue();
                match &= switch (e.getKey()) {
                    case "limit", "offset", "fuzzymatching", "includefield" -> true;
                    case "00100020", "PatientID" -> matches(st.patientId(), v);
                    case "StudyInstanceUID", "0020000D" -> Arrays.asList(v.split("[\\\\,]")).contains(st.uid());
                    case "StudyDate", "00080020" -> inRange(st.date(), v);
                    case "PatientName", "00100010" -> matches(st.patientName(), v);
                    case "AccessionNumber", "00080050" -> matches("ACC" + st.patientId(), v);
                    case "StudyDescription", "00081030" -> matches(st.description(), v);
                    case "ModalitiesInStudy", "00080061" ->
                            Arrays.stream(v.split("[\\\\,]")).anyMatch(st.modalities()::contains);
                    default -> throw new AssertionError("the replay has no model of the key " + e.getKey());
                };
            }
            if (match) {
                expected.add(st.uid());
            }
        }
        return expected;
    }

    /** Single value or wildcard matching (PS3.4 C.2.2.2.1, C.2.2.2.4); the test data is upper case. */
    private static boolean matches(String value, String key) {
        return value.matches(Pattern.quote(key).replace("?", "\\E.\\Q").replace("*", "\\E.*\\Q"));
    }

    private static boolean inRange(String date, String range) {
        int dash = range.indexOf('-');
        if (dash < 0) {
            return date.equals(range);
        }
        String from = range.substring(0, dash);
        String to = range.substring(dash + 1);
        return (from.isEmpty() || date.compareTo(from) >= 0) && (to.isEmpty() || date.compareTo(to) <= 0);
    }

    private void seriesRows(BrowserGet.Answer r, String url, String study) throws Exception {
        JsonNode rows = jsonArray(r, url);
        Set<String> found = new TreeSet<>();
        for (JsonNode row : rows) {
            String uid = row.at("/0020000E/Value/0").asText();
            List<DataSet> list = seriesInstances.get(uid);
            assertTrue(list != null, url + ": a series that was not stored: " + row);
            OhifReads.seriesRow(row, list);
            found.add(uid);
        }
        assertEquals(seriesOf(study), found, url);
    }

    private void metadata(BrowserGet.Answer r, String url, String study, String series) throws Exception {
        JsonNode array = jsonArray(r, url);
        Set<String> expected = new TreeSet<>();
        for (String uid : series == null ? seriesOf(study) : Set.of(series)) {
            seriesInstances.get(uid).forEach(ds -> expected.add(uid(ds)));
        }
        Set<String> found = new TreeSet<>();
        for (JsonNode meta : array) {
            String sop = meta.at("/00080018/Value/0").asText();
            DataSet stored = instances.get(sop);
            assertTrue(stored != null, url + ": an instance that was not stored: " + sop);
            OhifReads.instanceMetadata(meta, stored);
            bulkData(meta, stored);
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
    private void bulkData(JsonNode meta, DataSet stored) throws Exception {
        String uri = meta.at("/7FE00010/BulkDataURI").asText();
        String url = uri.startsWith("http") ? uri : uri.startsWith("/") ? s.origin() + uri
                : s.root() + "/studies/" + stored.getString(Tag.StudyInstanceUID) + "/series/"
                + stored.getString(Tag.SeriesInstanceUID) + "/" + uri;
        assertTrue(url.startsWith(s.root() + "/"), "BulkDataURI " + uri + " does not lead to our DICOMweb");
        BrowserGet.Answer r = BrowserGet.get(s.client(), url, BULK);
        assertEquals(200, r.status(), () -> uri + ": " + r.text());
        CornerstoneFrame part = CornerstoneFrame.read(r.contentType(), r.body());
        assertEquals(EXPLICIT_LITTLE_ENDIAN, part.transferSyntax(), uri + ": part Content-Type " + part.contentType());
        assertArrayEquals(stored.getBytes(Tag.PixelData), part.pixelData(), uri);
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
        byte[] pixels = instances.get(sop).getBytes(Tag.PixelData);
        assertArrayEquals(Arrays.copyOfRange(pixels, (number - 1) * length, number * length), f.pixelData(), url);
    }

    private Set<String> seriesOf(String study) {
        Set<String> uids = new TreeSet<>();
        seriesInstances.forEach((uid, list) -> {
            if (list.get(0).getString(Tag.StudyInstanceUID).equals(study)) {
                uids.add(uid);
            }
        });
        return uids;
    }

    private static JsonNode jsonArray(BrowserGet.Answer r, String url) throws Exception {
        assertEquals(200, r.status(), () -> url + ": " + r.text());
        assertTrue(String.valueOf(r.contentType()).startsWith("application/dicom+json"), url + ": " + r.contentType());
        JsonNode j = JSON.readTree(r.body());
        assertTrue(j.isArray(), url + ": not an array");
        return j;
    }

    /** The query parameters, percent-decoded as the server must (OHIF's values went through encodeURIComponent). */
    static Map<String, String> query(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : query.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
            if (out.put(key, eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                fail("the replay's model does not handle the repeated key " + key);
            }
        }
        return out;
    }

    /** GET relative to the origin, as the browser sends it. */
    private BrowserGet.Answer get(String url, String accept) throws Exception {
        BrowserGet.Answer a = BrowserGet.get(s.client(), s.origin() + url, accept);
        encodings.merge(a.contentEncoding(), 1, Integer::sum);
        return a;
    }

    private static String instancePath(DataSet ds) {
        return "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID) + "/series/"
                + ds.getString(Tag.SeriesInstanceUID) + "/instances/" + uid(ds);
    }

    private static String uid(DataSet ds) {
        return ds.getString(Tag.SOPInstanceUID);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
