package org.gridpacs.web.qido;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** QIDO-RS through a real archive: OHIF's own requests, every level, paging, matching, refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QidoRsTest {
    static final String STUDY_A = "1.2.826.0.1.3680043.10.999.1";
    static final String SERIES_A1 = STUDY_A + ".1";
    static final String SERIES_A2 = STUDY_A + ".2";
    static final String STUDY_B = "1.2.826.0.1.3680043.10.999.2";
    static final String SERIES_B1 = STUDY_B + ".1";
    static final String CT_SMALL_STUDY = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
    static final String PAGE_STUDY = "1.2.826.0.1.3680043.10.999.100.";
    static final int PAGE_STUDIES = 25;
    static final ObjectMapper JSON = new ObjectMapper();

    WebTestServer s;
    Path dir;

    @BeforeAll
    void fill() throws Exception {
        dir = Files.createTempDirectory("qido-test");
        s = new WebTestServer(dir);
        for (int k = 1; k <= 3; k++) {
            s.store(instance("PID-A", "Doe^Jane", STUDY_A, SERIES_A1, "CT", k, ds -> {
                ds.setString(Tag.SeriesDescription, VR.LO, "Axial");
            }));
        }
        for (int k = 1; k <= 2; k++) {
            s.store(instance("PID-A", "Doe^Jane", STUDY_A, SERIES_A2, "PR", k, ds -> {
                ds.setInt(Tag.SeriesNumber, VR.IS, 2);
                ds.setString(Tag.SeriesDescription, VR.LO, "Presentation");
            }));
        }
        s.store(instance("PID-B", "Smith^John", STUDY_B, SERIES_B1, "MR", 1, ds -> {
            ds.setString(Tag.StudyDate, VR.DA, "20211201");
            ds.setString(Tag.StudyTime, VR.TM, "080000");
            ds.setString(Tag.StudyDescription, VR.LO, "MR head");
        }));
        for (int k = 0; k < PAGE_STUDIES; k++) {
            s.store(instance("PAGE", "Page^Paul", PAGE_STUDY + k, PAGE_STUDY + k + ".1", "CR", 1, ds -> {
                ds.setString(Tag.PatientAge, VR.AS, "042Y");
                ds.setString(Tag.StudyDate, VR.DA, "20190101");
            }));
        }
        for (String f : List.of("CT_small.dcm", "MR_small.dcm", "chrX1.dcm", "chrH31.dcm")) {
            s.storeFile(TestData.pydicomFile(f));
        }
    }

    interface Edit {
        void apply(DataSet ds);
    }

    static DataSet instance(String pid, String name, String study, String series, String modality, int number,
                            Edit edit) {
        DataSet ds = SyntheticInstances.ct(pid, study, series, number, number);
        ds.setString(Tag.PatientName, VR.PN, name);
        ds.setString(Tag.StudyDate, VR.DA, "20200315");
        ds.setString(Tag.StudyTime, VR.TM, "101500");
        ds.setString(Tag.AccessionNumber, VR.SH, "ACC-" + pid);
        ds.setString(Tag.StudyDescription, VR.LO, "CT chest");
        ds.setString(Tag.ReferringPhysicianName, VR.PN, "Ref^Rick");
        ds.setString(Tag.Modality, VR.CS, modality);
        ds.setString(Tag.SeriesDate, VR.DA, "20200316");
        ds.setString(Tag.SeriesTime, VR.TM, "101600");
        edit.apply(ds);
        return ds;
    }

    @AfterAll
    void close() throws Exception {
        s.close();
    }

    // ---------------------------------------------------------------- OHIF's requests (dicomweb.md 1.1)

    @Test
    void ohifStudyListByPatientIdTagKey() throws Exception {
        JsonNode r = get("/dicom-web/studies?00100020=PID-A&limit=101&offset=0&fuzzymatching=false"
                + "&includefield=00081030%2C00080060");
        assertEquals(1, r.size());
        JsonNode a = r.get(0);
        assertEquals(STUDY_A, value(a, "0020000D"));
        assertEquals("CT chest", value(a, "00081030"));
        assertEquals("Doe^Jane", a.get("00100010").get("Value").get(0).get("Alphabetic").asText());
        assertEquals("PN", a.get("00100010").get("vr").asText());
        assertEquals(List.of("CT", "PR"), values(a, "00080061"));
        assertEquals(2, a.get("00201206").get("Value").get(0).asInt());
        assertEquals(5, a.get("00201208").get("Value").get(0).asInt());
        assertEquals("20200315", value(a, "00080020"));
        assertEquals("101500", value(a, "00080030"));
        assertEquals("ACC-PID-A", value(a, "00080050"));
        assertEquals("Ref^Rick", a.get("00080090").get("Value").get(0).get("Alphabetic").asText());
        assertEquals("19700101", value(a, "00100030"));
        assertEquals("O", value(a, "00100040"));
        assertEquals("1", value(a, "00200010"));
        assertEquals("ONLINE", value(a, "00080056"));
        assertEquals(s.root() + "/studies/" + STUDY_A, value(a, "00081190"));
        // Modality is a series attribute: not in a study answer (PS3.18 10.6.3.3.2); no DIMSE-only keys
        assertFalse(a.has("00080060"));
        assertFalse(a.has("00080052"));
        assertFalse(a.has("00080054"));
        assertSortedUpperCaseKeys(a);
    }

    @Test
    void ohifOpensTheViewerByStudyUidAndFindsPriorsByPatientId() throws Exception {
        JsonNode r = get("/dicom-web/studies?StudyInstanceUID=" + STUDY_A
                + "&limit=101&offset=0&fuzzymatching=true&includefield=00081030%2C00080060");
        assertEquals(List.of(STUDY_A), uids(r, "0020000D"));
        assertEquals(List.of(STUDY_A, STUDY_B), uids(get("/dicom-web/studies?StudyInstanceUID=" + STUDY_A + "%5C"
                + STUDY_B + "&limit=101&offset=0&fuzzymatching=false"), "0020000D"));
        assertEquals(List.of(STUDY_A, STUDY_B), uids(get("/dicom-web/studies?StudyInstanceUID=" + STUDY_A + "%2C"
                + STUDY_B), "0020000D"));
        assertEquals(List.of(STUDY_A, STUDY_B), uids(get("/dicom-web/studies?StudyInstanceUID=" + STUDY_A + ","
                + STUDY_B), "0020000D"));
    }

    @Test
    void ohifDateRangesWithOnlyAStartOrAnEnd() throws Exception {
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?StudyDate=20200101-20201231&limit=101&offset=0"
                + "&fuzzymatching=false&includefield=00081030%2C00080060"), "0020000D"));
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?StudyDate=20211201-"), "0020000D"));
        // OHIF turns an open start into 19700102
        assertEquals(List.of(CT_SMALL_STUDY, "1.3.6.1.4.1.5962.1.2.4.20040826185059.5457"),
                uids(get("/dicom-web/studies?StudyDate=19700102-20041231"), "0020000D"));
        assertEquals(List.of(CT_SMALL_STUDY), uids(get("/dicom-web/studies?StudyDate=-20040201"), "0020000D"));
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?StudyDate=20200315&StudyTime=1000-1100"),
                "0020000D"));
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?StudyDate=20200101-20221231&StudyTime=-0900"),
                "0020000D"));
    }

    @Test
    void ohifExpandsAStudyRowAndLazyLoadsItsSeries() throws Exception {
        JsonNode r = get("/dicom-web/studies/" + STUDY_A + "/series?includefield=0008103E%2C00080021");
        assertEquals(List.of(SERIES_A1, SERIES_A2), uids(r, "0020000E"));
        JsonNode a1 = r.get(0);
        assertEquals(STUDY_A, value(a1, "0020000D"));
        assertEquals("CT", value(a1, "00080060"));
        assertEquals("Axial", value(a1, "0008103E"));
        assertEquals("20200316", value(a1, "00080021")); // from the stored header
        assertEquals(1, a1.get("00200011").get("Value").get(0).asInt());
        assertEquals(3, a1.get("00201209").get("Value").get(0).asInt());
        assertEquals(s.root() + "/studies/" + STUDY_A + "/series/" + SERIES_A1, value(a1, "00081190"));
        assertEquals(2, r.get(1).get("00201209").get("Value").get(0).asInt());
        assertFalse(a1.has("00100010"), "study attributes are not repeated in a study's series");
        assertSortedUpperCaseKeys(a1);

        JsonNode lazy = get("/dicom-web/studies/" + STUDY_A
                + "/series?includefield=00080021%2C00080031%2C0008103E%2C00200011");
        assertEquals("101600", value(lazy.get(0), "00080031"));
        assertEquals("Presentation", value(lazy.get(1), "0008103E"));
        assertEquals(2, lazy.get(1).get("00200011").get("Value").get(0).asInt());
    }

    // ---------------------------------------------------------------- levels

    @Test
    void instancesOfASeriesWithTheirDefaultAttributes() throws Exception {
        JsonNode r = get("/dicom-web/studies/" + STUDY_A + "/series/" + SERIES_A1 + "/instances");
        assertEquals(3, r.size());
        JsonNode i = r.get(0);
        assertEquals("1.2.840.10008.5.1.4.1.1.2", value(i, "00080016"));
        assertEquals(1, i.get("00200013").get("Value").get(0).asInt());
        assertEquals(32, i.get("00280010").get("Value").get(0).asInt());
        assertEquals(32, i.get("00280011").get("Value").get(0).asInt());
        assertEquals(16, i.get("00280100").get("Value").get(0).asInt());
        assertFalse(i.has("00280008"), "Number of Frames is conditional: not sent empty");
        assertEquals("ONLINE", value(i, "00080056"));
        assertEquals(s.root() + "/studies/" + STUDY_A + "/series/" + SERIES_A1 + "/instances/" + value(i, "00080018"),
                value(i, "00081190"));
        assertEquals(List.of(1, 2, 3), ints(r, "00200013"));
    }

    @Test
    void studyInstancesAddTheSeriesAttributes() throws Exception {
        JsonNode r = get("/dicom-web/studies/" + STUDY_A + "/instances");
        assertEquals(5, r.size());
        assertEquals(Set.of(SERIES_A1, SERIES_A2), new TreeSet<>(uids(r, "0020000E")));
        assertEquals("PR", value(r.get(4), "00080060"));
        assertTrue(r.get(0).has("00201209"));
        assertFalse(r.get(0).has("00100010"));
    }

    @Test
    void allSeriesAndAllInstancesAreRelationalAndAddTheLevelsAbove() throws Exception {
        JsonNode series = get("/dicom-web/series?PatientID=PID-A");
        assertEquals(List.of(SERIES_A1, SERIES_A2), uids(series, "0020000E"));
        assertEquals("Doe^Jane", series.get(0).get("00100010").get("Value").get(0).get("Alphabetic").asText());
        assertEquals("20200315", value(series.get(0), "00080020"));
        JsonNode mr = get("/dicom-web/series?Modality=MR");
        assertEquals(2, mr.size());
        JsonNode instances = get("/dicom-web/instances?00100020=PID-A&SeriesInstanceUID=" + SERIES_A2);
        assertEquals(2, instances.size());
        assertEquals("ACC-PID-A", value(instances.get(0), "00080050"));
        assertEquals("PR", value(instances.get(0), "00080060"));
        assertEquals(STUDY_A, value(instances.get(0), "0020000D"));
    }

    @Test
    void attributesOfALowerLevelAreNeverReturned() throws Exception {
        JsonNode series = get("/dicom-web/studies/" + STUDY_A + "/series?includefield=Rows,SOPClassUID,Manufacturer");
        assertFalse(series.get(0).has("00280010"));
        assertFalse(series.get(0).has("00080016"));
        assertTrue(series.get(0).has("00080070"), "a series attribute from the header may be asked for");
        JsonNode studies = get("/dicom-web/studies?PatientID=PID-A&includefield=SeriesDescription&includefield=Rows");
        assertFalse(studies.get(0).has("0008103E"));
        assertFalse(studies.get(0).has("00280010"));
        var w = s.get("/dicom-web/studies?PatientID=PID-A&Modality=CT", "application/dicom+json");
        assertEquals(200, w.statusCode());
        assertTrue(w.headers().allValues("Warning").stream().anyMatch(v -> v.contains("Modality")), w.headers().toString());
    }

    @Test
    void binaryAndSequenceKeysAreNotMatchedButSaidSo() throws Exception {
        var rows = s.get("/dicom-web/studies/" + STUDY_A + "/series/" + SERIES_A1 + "/instances?Rows=7",
                "application/dicom+json");
        assertEquals(200, rows.statusCode());
        JsonNode r = JSON.readTree(rows.body());
        assertEquals(3, r.size());
        assertEquals(32, r.get(0).get("00280010").get("Value").get(0).asInt());
        assertTrue(rows.headers().allValues("Warning").stream().anyMatch(v -> v.contains("Rows")));
        var seq = s.get("/dicom-web/studies/" + STUDY_A + "/series?RequestAttributesSequence.ScheduledProcedureStepID=X"
                + "&00400275.00400009=%C3%A9%0D%0AX-Injected:%201", "application/dicom+json");
        assertEquals(200, seq.statusCode());
        assertEquals(2, JSON.readTree(seq.body()).size());
        List<String> warnings = seq.headers().allValues("Warning");
        assertTrue(warnings.stream().anyMatch(v -> v.contains("sequence matching")), warnings.toString());
        assertTrue(seq.headers().allValues("X-Injected").isEmpty());
    }

    @Test
    void includefieldAllAndRepeatedIncludefields() throws Exception {
        JsonNode all = get("/dicom-web/studies?PatientID=PID-A&includefield=all").get(0);
        assertEquals("CT chest", value(all, "00081030"));
        assertFalse(all.has("00280010"));
        JsonNode some = get("/dicom-web/studies/" + STUDY_A + "/series/" + SERIES_A1
                + "/instances?includefield=PhotometricInterpretation&includefield=00281052%2C00281053").get(0);
        assertEquals("MONOCHROME2", value(some, "00280004"));
        assertEquals(-1024, some.get("00281052").get("Value").get(0).asInt());
        assertEquals(1, some.get("00281053").get("Value").get(0).asInt());
    }

    // ---------------------------------------------------------------- matching

    @Test
    void keywordAndTagKeysInEitherCaseAreTheSame() throws Exception {
        List<String> byKeyword = uids(get("/dicom-web/studies?PatientID=PID-B"), "0020000D");
        assertEquals(List.of(STUDY_B), byKeyword);
        assertEquals(byKeyword, uids(get("/dicom-web/studies?00100020=PID-B"), "0020000D"));
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?0020000d=" + STUDY_B), "0020000D"));
        assertEquals(List.of(SERIES_A2), uids(get("/dicom-web/studies/" + STUDY_A + "/series?0008103e=Presentation"),
                "0020000E"));
    }

    @Test
    void personNamesExactCaseInsensitiveWildcardAndFuzzy() throws Exception {
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?PatientName=DOE%5EJANE&fuzzymatching=false"),
                "0020000D"));
        assertEquals(List.of(), uids(get("/dicom-web/studies?PatientName=doe&fuzzymatching=false"), "0020000D"));
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?PatientName=doe*"), "0020000D"));
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?PatientName=*mit*&fuzzymatching=false"),
                "0020000D"));
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?PatientName=Sm?th*"), "0020000D"));
        // fuzzy: every word of the key starts a word of the name, in any order, case-insensitive
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?PatientName=doe&fuzzymatching=true"),
                "0020000D"));
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?PatientName=jan&fuzzymatching=true"),
                "0020000D"));
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?PatientName=ja%20do&fuzzymatching=true"),
                "0020000D"));
        assertEquals(List.of(), uids(get("/dicom-web/studies?PatientName=oe&fuzzymatching=true"), "0020000D"));
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?ReferringPhysicianName=rick&PatientID=PID-A"
                + "&fuzzymatching=true"), "0020000D"));
    }

    @Test
    void personNamesWithIdeographicAndPhoneticGroups() throws Exception {
        JsonNode x1 = get("/dicom-web/studies?PatientName=Wang%5EXiaoDong").get(0);
        JsonNode pn = x1.get("00100010").get("Value").get(0);
        assertEquals("Wang^XiaoDong", pn.get("Alphabetic").asText());
        assertEquals("王^小東", pn.get("Ideographic").asText());
        assertFalse(pn.has("Phonetic"));
        assertEquals("ISO_IR 192", value(x1, "00080005"));
        JsonNode h31 = get("/dicom-web/studies?PatientID=H31EXAMPLE&fuzzymatching=true").get(0);
        JsonNode yamada = h31.get("00100010").get("Value").get(0);
        assertEquals("Yamada^Tarou", yamada.get("Alphabetic").asText());
        assertEquals("山田^太郎", yamada.get("Ideographic").asText());
        assertEquals("やまだ^たろう", yamada.get("Phonetic").asText());
        assertEquals(List.of("H31EXAMPLE"), uids(get("/dicom-web/studies?PatientName=tarou&fuzzymatching=true"),
                "00100020"));
    }

    @Test
    void modalitiesInStudyMatchesAnySeriesAndAlwaysHasAValue() throws Exception {
        assertEquals(List.of(STUDY_A), uids(get("/dicom-web/studies?ModalitiesInStudy=PR"), "0020000D"));
        assertEquals(List.of(STUDY_A, STUDY_B), uids(get("/dicom-web/studies?ModalitiesInStudy=PR%5CMR&PatientID=PID*"),
                "0020000D"));
        JsonNode all = get("/dicom-web/studies");
        assertEquals(2 + PAGE_STUDIES + 4, all.size());
        for (JsonNode study : all) {
            assertTrue(!study.has("00080061") || study.get("00080061").get("Value").size() > 0, study.toString());
        }
        assertEquals(List.of("OT"), values(get("/dicom-web/studies?PatientID=X1EXAMPLE").get(0), "00080061"));
    }

    @Test
    void theUidsOfThePathWinAndAContradictingKeyMatchesNothing() throws Exception {
        assertEquals(0, get("/dicom-web/studies/" + STUDY_A + "/series?StudyInstanceUID=" + STUDY_B).size());
        assertEquals(2, get("/dicom-web/studies/" + STUDY_A + "/series?StudyInstanceUID=" + STUDY_B + "%5C" + STUDY_A)
                .size());
        assertEquals(0, get("/dicom-web/studies/1.2.3.4.5.6.7/series").size());
    }

    @Test
    void unknownParametersAreIgnoredAndNoMatchIsAnEmptyArray() throws Exception {
        assertEquals(List.of(STUDY_B), uids(get("/dicom-web/studies?PatientID=PID-B&_=1234&foo=bar&NotAKeyword=1"),
                "0020000D"));
        var r = s.get("/dicom-web/studies?PatientID=NOBODY", "application/dicom+json");
        assertEquals(200, r.statusCode());
        assertEquals("[]", new String(r.body()).trim());
    }

    // ---------------------------------------------------------------- paging

    @Test
    void limitAndOffsetPageInAStableOrder() throws Exception {
        List<String> all = uids(get("/dicom-web/studies?PatientID=PAGE"), "0020000D");
        assertEquals(PAGE_STUDIES, all.size());
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < 30; offset += 10) {
            JsonNode page = get("/dicom-web/studies?PatientID=PAGE&limit=10&offset=" + offset);
            assertEquals(offset < 20 ? 10 : 5, page.size());
            paged.addAll(uids(page, "0020000D"));
        }
        assertEquals(all, paged);
        assertEquals(0, get("/dicom-web/studies?PatientID=PAGE&offset=100").size());
        assertEquals(all.subList(24, 25), uids(get("/dicom-web/studies?PatientID=PAGE&offset=24&limit=101"),
                "0020000D"));
        // a key only the stored header has: the matches are paged after the header test
        assertEquals(all.subList(20, 25), uids(get("/dicom-web/studies?PatientAge=042Y&limit=10&offset=20"),
                "0020000D"));
        assertEquals(all.subList(3, 5), uids(get("/dicom-web/studies?PatientAge=042Y&limit=2&offset=3"), "0020000D"));
        assertEquals(3, get("/dicom-web/instances?limit=3&offset=1").size());
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void invalidValuesOfSupportedParametersAre400WithAReason() throws Exception {
        assertBadRequest("/dicom-web/studies?StudyDate=20201301", "StudyDate");
        assertBadRequest("/dicom-web/studies?StudyDate=2020-01-01-2020", "StudyDate");
        assertBadRequest("/dicom-web/studies?StudyTime=2500", "StudyTime");
        assertBadRequest("/dicom-web/studies?limit=ten", "limit");
        assertBadRequest("/dicom-web/studies?limit=-1", "limit");
        assertBadRequest("/dicom-web/studies?offset=-5", "offset");
        assertBadRequest("/dicom-web/studies?fuzzymatching=maybe", "fuzzymatching");
        assertBadRequest("/dicom-web/studies?includefield=0010001", "0010001");
        assertBadRequest("/dicom-web/studies?includefield=NoSuchAttribute", "NoSuchAttribute");
        assertBadRequest("/dicom-web/studies?001000200=x", "001000200");
        assertBadRequest("/dicom-web/studies?00100000=x", "00100000");
        assertBadRequest("/dicom-web/studies/" + STUDY_A + "/series?SeriesNumber=one", "SeriesNumber");
        assertBadRequest("/dicom-web/studies/" + STUDY_A + "/series?SeriesDate=2020", "SeriesDate");
    }

    @Test
    void acceptIsNegotiatedAnd406NeverA500() throws Exception {
        for (String accept : new String[] {"application/dicom+json", "application/dicom+json; charset=utf-8",
                "*/*", "application/*", null}) {
            var r = s.get("/dicom-web/studies?PatientID=PID-B", accept);
            assertEquals(200, r.statusCode(), accept);
            assertEquals("application/dicom+json", r.headers().firstValue("Content-Type").orElse(""), accept);
        }
        var json = s.get("/dicom-web/studies?PatientID=PID-B", "application/json");
        assertEquals(200, json.statusCode());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(""));
        for (String accept : new String[] {"multipart/related; type=\"application/dicom+xml\"",
                "multipart/related;type=application/dicom+xml", "application/dicom+xml", "image/jpeg"}) {
            var r = s.get("/dicom-web/studies?PatientID=PID-B", accept);
            assertEquals(406, r.statusCode(), accept);
            assertTrue(new String(r.body()).contains("application/dicom+json"), accept);
        }
    }

    // ---------------------------------------------------------------- helpers

    JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<byte[]> r = s.get(pathAndQuery, "application/dicom+json");
        assertEquals(200, r.statusCode(), () -> pathAndQuery + ": " + new String(r.body()));
        assertEquals("application/dicom+json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode n = JSON.readTree(r.body());
        assertTrue(n.isArray(), pathAndQuery);
        return n;
    }

    void assertBadRequest(String pathAndQuery, String named) throws Exception {
        HttpResponse<byte[]> r = s.get(pathAndQuery, "application/dicom+json");
        assertEquals(400, r.statusCode(), () -> pathAndQuery + ": " + new String(r.body()));
        String reason = JSON.readTree(r.body()).get("error").asText();
        assertTrue(reason.contains(named), pathAndQuery + ": " + reason);
    }

    static String value(JsonNode attrs, String tag) {
        JsonNode a = attrs.get(tag);
        assertTrue(a != null && a.has("Value"), () -> tag + " has no value in " + attrs);
        return a.get("Value").get(0).asText();
    }

    static List<String> values(JsonNode attrs, String tag) {
        List<String> out = new ArrayList<>();
        attrs.get(tag).get("Value").forEach(v -> out.add(v.asText()));
        return out;
    }

    static List<String> uids(JsonNode array, String tag) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(value(n, tag)));
        return out;
    }

    static List<Integer> ints(JsonNode array, String tag) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(tag).get("Value").get(0).asInt()));
        return out;
    }

    static void assertSortedUpperCaseKeys(JsonNode attrs) {
        String previous = "";
        for (Iterator<String> it = attrs.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            assertTrue(k.matches("[0-9A-F]{8}"), k);
            assertTrue(k.compareTo(previous) > 0, k + " after " + previous);
            previous = k;
        }
    }
}
