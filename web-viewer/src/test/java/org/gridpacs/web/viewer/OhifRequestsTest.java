package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * OHIF 3.12.10's own DICOMweb requests, as recorded from the viewer in the browser test, replayed against our archive
 * holding the same kind of data (a 20-slice CT study; a CT + 20-frame RT Dose study on one Frame of Reference), each
 * answer read the way OHIF reads it (dicomweb.md 1.1-1.3); then the requests OHIF sends that the recording lacks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OhifRequestsTest {
    /** OHIF's default frame Accept (the recording used omitQuotationForMultipartRequest, the unquoted form). */
    static final String FRAMES_QUOTED = "multipart/related; type=\"application/octet-stream\"; transfer-syntax=\"*\"";
    /** What OHIF's study list adds to every search. */
    static final String LIST = "limit=101&offset=0&fuzzymatching=true&includefield=00081030%2C00080060";

    final CtWithDose ctOnly = new CtWithDose("VIEWER^CT", "VCT1");
    final CtWithDose withDose = new CtWithDose("VIEWER^DOSE", "VDOSE1");
    /** Not in the recording: an older study, that OHIF's date ranges must leave out or find. */
    final CtWithDose older = new CtWithDose("VIEWER^OLD", "VOLD1");
    final StoredStudies stored = new StoredStudies();
    /** The names of the recording ({study1}, {instance41}, ...) and their UIDs here. */
    final Map<String, String> names = new HashMap<>();
    /** A fresh browser tab for each test. */
    OhifSession ohif;
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
        stored.store(s, ctOnly, "20261201", List.of(ct1));
        stored.store(s, withDose, "20261201", List.of(ct2, List.of(dose)));
        stored.store(s, older, "19991231", List.of(ct3));
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

    @BeforeEach
    void newTab() {
        ohif = new OhifSession(s, stored);
    }

    @AfterAll
    void close() throws Exception {
        s.close();
    }

    @Test
    void everyRecordedRequestGivesWhatOhifReads() throws Exception {
        List<OhifRecording.Request> recorded = OhifRecording.load(names);
        Map<String, Integer> kinds = new TreeMap<>();
        for (OhifRecording.Request r : recorded) {
            assertEquals("GET", r.method(), r.toString());
            kinds.merge(ohif.replay(r.url(), r.accept()), 1, Integer::sum);
        }
        assertEquals(Map.of("frames", 60, "metadata", 3, "series", 3, "studies", 6), kinds,
                "requests of each kind replayed");
        assertEquals(41, ohif.metadataSeen.size(), "instances whose metadata OHIF was given");
        // the 12 JSON answers (6 study lists, 3 series lists, 3 metadata) at least
        assertTrue(ohif.encodings.getOrDefault("gzip", 0) >= 12,
                "the JSON answers gzipped for the browser: " + ohif.encodings);
        // the model's answer to the recorded MRN filter, spelled out: only that patient's study
        assertEquals(Set.of(ctOnly.study), stored.expectedStudies(StoredStudies.query("00100020=*VCT1*&" + LIST)));
    }

    // ---------------------------------------------------------------- what the recording lacks (dicomweb.md 1.1)

    @Test
    void studyDateRangesAsOhifSendsThem() throws Exception {
        String today = LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
        assertEquals(Set.of(ctOnly.study, withDose.study), ohif.studyList(LIST + "&StudyDate=20261201-20261207"));
        // only a start: OHIF sends start-<today>
        assertEquals(stored.expectedStudies(StoredStudies.query("StudyDate=20261201-" + today)),
                ohif.studyList(LIST + "&StudyDate=20261201-" + today));
        // only an end: OHIF sends 19700102-end
        assertEquals(Set.of(older.study), ohif.studyList(LIST + "&StudyDate=19700102-20000101"));
        assertEquals(Set.of(), ohif.studyList(LIST + "&StudyDate=20261202-20261207"));
    }

    /** The MRN typed in the study list goes as *value* (supportsWildcard): part of an ID finds it. */
    @Test
    void patientIdTypedInTheStudyListMatchesPartOfTheId() throws Exception {
        assertEquals(Set.of(withDose.study), ohif.studyList("00100020=*DOSE*&" + LIST));
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study), ohif.studyList("00100020=*V*&" + LIST));
        assertEquals(Set.of(), ohif.studyList("00100020=*VCT2*&" + LIST));
    }

    /**
     * The study list's other filters (mapParams in OHIF's qido.js): text typed is wrapped in *...* (supportsWildcard);
     * the modalities picked go as one value, an array that encodeURIComponent joins with %2C.
     */
    @Test
    void theStudyListsOtherFilters() throws Exception {
        assertEquals(Set.of(withDose.study), ohif.studyList("PatientName=*DOSE*&" + LIST));
        Set<String> all = Set.of(ctOnly.study, withDose.study, older.study);
        assertEquals(all, ohif.studyList("PatientName=*VIEWER*&" + LIST));
        assertEquals(Set.of(older.study), ohif.studyList("AccessionNumber=*OLD*&" + LIST));
        assertEquals(Set.of(ctOnly.study), ohif.studyList("StudyDescription=*VCT1*&" + LIST));
        assertEquals(Set.of(withDose.study), ohif.studyList(LIST + "&ModalitiesInStudy=RTDOSE"));
        assertEquals(all, ohif.studyList(LIST + "&ModalitiesInStudy=CT"));
    }

    /** Two modalities picked in the study list's filter find studies with either (app.bundle splits on ','). */
    @Test
    void modalitiesPickedTogetherFindStudiesWithEither() throws Exception {
        assertEquals(Set.of(ctOnly.study, withDose.study, older.study),
                ohif.studyList(LIST + "&ModalitiesInStudy=CT%2CRTDOSE"));
        assertEquals(Set.of(withDose.study), ohif.studyList(LIST + "&ModalitiesInStudy=MR%2CRTDOSE"));
    }

    @Test
    void studyUidListsJoinedWithABackslash() throws Exception {
        assertEquals(Set.of(ctOnly.study, withDose.study),
                ohif.studyList(LIST + "&StudyInstanceUID=" + ctOnly.study + "%5C" + withDose.study));
        assertEquals(Set.of(older.study, withDose.study),
                ohif.studyList(LIST + "&StudyInstanceUID=" + older.study + "%5C" + withDose.study));
    }

    @Test
    void framesWithOhifsDefaultQuotedAccept() throws Exception {
        String ct = withDose.study + "/series/" + withDose.ctSeries + "/metadata";
        String dose = withDose.study + "/series/" + withDose.doseSeries + "/metadata";
        ohif.replay("/dicom-web/studies/" + ct, "application/dicom+json");
        ohif.replay("/dicom-web/studies/" + dose, "application/dicom+json");
        DataSet slice = stored.seriesInstances.get(withDose.ctSeries).get(7);
        DataSet rtDose = stored.seriesInstances.get(withDose.doseSeries).get(0);
        for (String frame : List.of(instancePath(slice) + "/frames/1", instancePath(rtDose) + "/frames/7",
                instancePath(rtDose) + "/frames/20")) {
            assertEquals("frames", ohif.replay(frame, FRAMES_QUOTED));
        }
    }

    @Test
    void studyMetadataWhenLazyLoadIsOff() throws Exception {
        String url = "/dicom-web/studies/" + withDose.study + "/metadata";
        assertEquals("metadata", ohif.replay(url, "application/dicom+json"));
        assertEquals(CtWithDose.SLICES + 1, ohif.metadataSeen.size(), "the CT slices and the dose");
    }

    /** imageRendering 'wadouri': OHIF's imageIds, with the Accept its beforeSend puts on them (dicomweb.md 1.4). */
    @Test
    void wadoUriImageIdsWithOhifsMultipartAccept() throws Exception {
        for (DataSet ds : List.of(stored.seriesInstances.get(ctOnly.ctSeries).get(0),
                stored.seriesInstances.get(withDose.doseSeries).get(0))) {
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
