package org.gridpacs.archive.query;

import static org.gridpacs.archive.query.QueryModel.PATIENT_ROOT;
import static org.gridpacs.archive.query.QueryModel.STUDY_ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.archive.index.TestInstances.Study;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryServiceTest {
    static final Study A = new Study("PID1", "Doe^Jane", "19800101", "1.2.3.1", "20240115", "101500", "ACC1",
            "CT chest", List.of("CT", "SR", "CT"), 3);
    static final Study B = new Study("PID1", "Doe^Jane", "19800101", "1.2.3.2", "20240301", "083000", "ACC2",
            "MR head", List.of("MR", "MR"), 2);
    static final Study C = new Study("PID2", "Smith^John", "19551231", "1.2.3.3", "20231231", "230000", "ACC3",
            "CT abdomen", List.of("CT"), 1);
    static final Study D = new Study("PID4", "Müller^Hans", "19900704", "1.2.3.4", "20220606", "060606", "X-4",
            "Röntgen Thorax", List.of("CR"), 1);

    IndexDatabase db;
    QueryService queries;

    @BeforeAll
    void fill(@TempDir Path dir) throws Exception {
        db = IndexDatabase.openH2(dir);
        SqlInstanceIndex index = new SqlInstanceIndex(db);
        for (Study s : List.of(A, B, C)) {
            TestInstances.insert(index, s);
        }
        DataSet d = new DataSet();
        d.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 100");
        d.addAll(D.instance(0, 0));
        index.insert(TestInstances.header(d), TestInstances.object("d"), null);
        queries = new QueryService(db, "ARCHIVE");
    }

    @AfterAll
    void close() {
        db.close();
    }

    /** An identifier: the level, then tag and value pairs (null or "" for a return key). */
    static DataSet id(String level, Object... keys) {
        DataSet ds = new DataSet();
        ds.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        for (int k = 0; k < keys.length; k += 2) {
            int tag = (Integer) keys[k];
            VR vr = ElementDictionary.vrOf(tag);
            String v = (String) keys[k + 1];
            if (v == null || v.isEmpty()) {
                ds.setNull(tag, vr);
            } else {
                ds.setString(tag, vr, v);
            }
        }
        return ds;
    }

    List<DataSet> find(QueryModel model, DataSet identifier) throws QueryException {
        return find(model, identifier, QueryOptions.DEFAULT);
    }

    List<DataSet> find(QueryModel model, DataSet identifier, QueryOptions options) throws QueryException {
        List<DataSet> out = new ArrayList<>();
        queries.find(model, identifier, options, out::add);
        return out;
    }

    static List<String> values(List<DataSet> matches, int tag) {
        return matches.stream().map(m -> m.getString(tag)).toList();
    }

    List<String> studies(Object... keys) throws QueryException {
        return values(find(STUDY_ROOT, id("STUDY", keys)), Tag.StudyInstanceUID);
    }

    // ---------------------------------------------------------------- matching at study level

    @Test
    void singleValueMatchingReturnsTheKeysAskedForInKeyOrder() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("STUDY", Tag.PatientID, "PID1", Tag.StudyInstanceUID, "",
                Tag.StudyDate, "", Tag.StudyTime, "", Tag.PatientName, "", Tag.StudyDescription, "",
                Tag.ModalitiesInStudy, "", Tag.NumberOfStudyRelatedSeries, "", Tag.NumberOfStudyRelatedInstances, "",
                Tag.ReferringPhysicianName, "", Tag.AccessionNumber, ""));
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), values(m, Tag.StudyInstanceUID));
        DataSet a = m.get(0);
        assertEquals("STUDY", a.getString(Tag.QueryRetrieveLevel));
        assertEquals("ARCHIVE", a.getString(Tag.RetrieveAETitle));
        assertEquals("20240115", a.getString(Tag.StudyDate));
        assertEquals("101500", a.getString(Tag.StudyTime));
        assertEquals("Doe^Jane", a.getString(Tag.PatientName));
        assertEquals("CT chest", a.getString(Tag.StudyDescription));
        assertEquals("Welby^Marcus", a.getString(Tag.ReferringPhysicianName));
        assertEquals("ACC1", a.getString(Tag.AccessionNumber));
        assertEquals(List.of("CT", "SR"), Arrays.asList(a.getStrings(Tag.ModalitiesInStudy)));
        assertEquals(3, a.getInt(Tag.NumberOfStudyRelatedSeries, -1));
        assertEquals(9, a.getInt(Tag.NumberOfStudyRelatedInstances, -1));
        assertEquals(4, m.get(1).getInt(Tag.NumberOfStudyRelatedInstances, -1));
        assertFalse(a.contains(Tag.SpecificCharacterSet), "ASCII only: no Specific Character Set");
        assertFalse(a.contains(Tag.SeriesInstanceUID), "nothing that was not asked for");
        assertEquals(List.of(), studies(Tag.PatientID, "PID"));
        assertEquals(List.of(), studies(Tag.PatientID, "pid1"), "single value matching is case-sensitive");
    }

    @Test
    void wildcardsMatchAnySequenceOrOneCharacter() throws Exception {
        assertEquals(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3"), studies(Tag.AccessionNumber, "ACC?"));
        assertEquals(List.of("1.2.3.3"), studies(Tag.AccessionNumber, "*3"));
        assertEquals(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4"), studies(Tag.AccessionNumber, "*"));
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.PatientID, "PID1*"));
        assertEquals(List.of("1.2.3.1", "1.2.3.3"), studies(Tag.StudyDescription, "CT*"));
        assertEquals(List.of(), studies(Tag.StudyDescription, "ct*"), "wildcards on text other than PN are case-sensitive");
        // % and _ are characters like any other, not SQL wildcards
        assertEquals(List.of(), studies(Tag.AccessionNumber, "AC%"));
        assertEquals(List.of(), studies(Tag.AccessionNumber, "ACC_"));
    }

    @Test
    void personNamesMatchCaseInsensitively() throws Exception {
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.PatientName, "doe^jane"));
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.PatientName, "DOE*"));
        assertEquals(List.of("1.2.3.3"), studies(Tag.PatientName, "sm?th*"));
        assertEquals(List.of("1.2.3.3"), studies(Tag.PatientName, "*^JOHN"));
        assertEquals(List.of("1.2.3.4"), studies(Tag.PatientName, "müller*"));
        assertEquals(List.of(), studies(Tag.PatientName, "DOE"), "single value matching of PN is not a prefix match");
        assertEquals(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4"), studies(Tag.ReferringPhysicianName, "welby^*"));
    }

    @Test
    void dateAndTimeRangesOpenAndClosed() throws Exception {
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.StudyDate, "20240101-"));
        assertEquals(List.of("1.2.3.3", "1.2.3.4"), studies(Tag.StudyDate, "-20231231"));
        assertEquals(List.of("1.2.3.1"), studies(Tag.StudyDate, "20240101-20240131"));
        assertEquals(List.of("1.2.3.1"), studies(Tag.StudyDate, "20240115"));
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.StudyTime, "0800-1100"));
        assertEquals(List.of("1.2.3.3"), studies(Tag.StudyTime, "23"));
        assertEquals(List.of("1.2.3.1"), studies(Tag.StudyDate, "20240101-20240201", Tag.StudyTime, "1000-"));
        assertEquals(List.of("1.2.3.4"), values(find(PATIENT_ROOT, id("STUDY", Tag.PatientBirthDate, "19850101-")),
                Tag.StudyInstanceUID));
    }

    @Test
    void studyDateAndTimeCombinedWhenNegotiated() throws Exception {
        DataSet id = id("STUDY", Tag.StudyDate, "20240115-20240301", Tag.StudyTime, "1000-0900");
        assertEquals(List.of(), values(find(STUDY_ROOT, id), Tag.StudyInstanceUID), "independent: no time is 10:00-09:00");
        assertEquals(List.of("1.2.3.1", "1.2.3.2"),
                values(find(STUDY_ROOT, id, new QueryOptions(false, true)), Tag.StudyInstanceUID));
        DataSet later = id("STUDY", Tag.StudyDate, "20240115-20240301", Tag.StudyTime, "1100-0800");
        assertEquals(List.of(), values(find(STUDY_ROOT, later, new QueryOptions(false, true)), Tag.StudyInstanceUID));
    }

    @Test
    void uidListsAndModalitiesInStudy() throws Exception {
        assertEquals(List.of("1.2.3.1", "1.2.3.3"), studies(Tag.StudyInstanceUID, "1.2.3.3\\1.2.3.1"));
        assertEquals(List.of("1.2.3.2"), studies(Tag.StudyInstanceUID, "1.2.3.2\\"), "an empty list item is not universal");
        assertEquals(List.of("1.2.3.2"), studies(Tag.ModalitiesInStudy, "MR"));
        assertEquals(List.of("1.2.3.1", "1.2.3.3"), studies(Tag.ModalitiesInStudy, "CT"));
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), studies(Tag.ModalitiesInStudy, "SR\\MR"));
        assertEquals(List.of("1.2.3.1", "1.2.3.3", "1.2.3.4"), studies(Tag.ModalitiesInStudy, "C?"));
    }

    @Test
    void universalMatchingReturnsEverythingWithTheKey() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("STUDY", Tag.PatientID, "", Tag.StudyDate, ""));
        assertEquals(List.of("PID1", "PID1", "PID2", "PID4"), values(m, Tag.PatientID));
        assertEquals(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4"), values(m, Tag.StudyInstanceUID),
                "the unique key of the level is always returned");
    }

    @Test
    void attributesWithoutAColumnComeFromTheStoredHeader() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, "1.2.3.1", Tag.PatientAge, "",
                Tag.Manufacturer, "", Tag.SOPInstanceUID, "", Tag.InstanceAvailability, ""));
        DataSet a = m.get(0);
        assertEquals("042Y", a.getString(Tag.PatientAge));
        assertTrue(a.contains(Tag.Manufacturer) && !a.containsValue(Tag.Manufacturer), "asked for, not there: empty");
        assertTrue(a.contains(Tag.SOPInstanceUID) && !a.containsValue(Tag.SOPInstanceUID), "lower level: empty");
        assertEquals("ONLINE", a.getString(Tag.InstanceAvailability));
        // and they can be matched
        assertEquals(4, studies(Tag.PatientAge, "04?Y").size());
        assertEquals(0, studies(Tag.PatientAge, "043Y").size());
    }

    @Test
    void nonAsciiValuesComeBackInUtf8() throws Exception {
        DataSet d = find(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, "1.2.3.4", Tag.PatientName, "",
                Tag.StudyDescription, "", Tag.SeriesDescription, "")).get(0);
        assertEquals("ISO_IR 192", d.getString(Tag.SpecificCharacterSet));
        assertEquals("Müller^Hans", d.getString(Tag.PatientName));
        assertEquals("Röntgen Thorax", d.getString(Tag.StudyDescription));
    }

    // ---------------------------------------------------------------- other levels

    @Test
    void seriesLevel() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.3.1", Tag.SeriesInstanceUID, "",
                Tag.Modality, "", Tag.SeriesNumber, "", Tag.NumberOfSeriesRelatedInstances, "", Tag.SeriesDescription, "",
                Tag.BodyPartExamined, "", Tag.SliceThickness, ""));
        assertEquals(List.of(A.seriesUID(0), A.seriesUID(1), A.seriesUID(2)), values(m, Tag.SeriesInstanceUID));
        assertEquals(List.of("CT", "SR", "CT"), values(m, Tag.Modality));
        assertEquals(List.of("1", "2", "3"), values(m, Tag.SeriesNumber));
        assertEquals(List.of("3", "3", "3"), values(m, Tag.NumberOfSeriesRelatedInstances));
        assertEquals(List.of("CHEST", "CHEST", "CHEST"), values(m, Tag.BodyPartExamined));
        assertEquals(List.of("1.25", "2.5", "3.75"), values(m, Tag.SliceThickness));
        assertEquals("1.2.3.1", m.get(0).getString(Tag.StudyInstanceUID));
        assertEquals("SERIES", m.get(0).getString(Tag.QueryRetrieveLevel));

        assertEquals(2, find(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.3.1", Tag.Modality, "CT")).size());
        assertEquals(List.of(A.seriesUID(1)), values(find(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.3.1",
                Tag.SeriesNumber, "2")), Tag.SeriesInstanceUID));
        assertEquals(List.of(A.seriesUID(1)), values(find(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.3.1",
                Tag.SliceThickness, "2.5")), Tag.SeriesInstanceUID));
        assertEquals(List.of(A.seriesUID(0), A.seriesUID(2), B.seriesUID(0), B.seriesUID(1)),
                values(find(PATIENT_ROOT, id("SERIES", Tag.PatientID, "PID1", Tag.StudyInstanceUID, "1.2.3.1\\1.2.3.2",
                        Tag.SeriesDescription, "series ?", Tag.Modality, "CT\\MR")), Tag.SeriesInstanceUID));
    }

    @Test
    void imageLevelWithAttributesFromTheHeader() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("IMAGE", Tag.StudyInstanceUID, "1.2.3.1", Tag.SeriesInstanceUID,
                A.seriesUID(1), Tag.SOPInstanceUID, "", Tag.SOPClassUID, "", Tag.InstanceNumber, "",
                Tag.SliceThickness, "", Tag.Rows, "", Tag.AvailableTransferSyntaxUID, ""));
        assertEquals(List.of(A.sopUID(1, 0), A.sopUID(1, 1), A.sopUID(1, 2)), values(m, Tag.SOPInstanceUID));
        assertEquals(List.of("1", "2", "3"), values(m, Tag.InstanceNumber));
        assertEquals("2.5", m.get(0).getString(Tag.SliceThickness));
        assertEquals(VR.US, m.get(0).vrOf(Tag.Rows));
        assertEquals(512, m.get(0).getInt(Tag.Rows, 0));
        assertEquals(TestInstances.TS, m.get(0).getString(Tag.AvailableTransferSyntaxUID));
        assertEquals("IMAGE", m.get(0).getString(Tag.QueryRetrieveLevel));

        assertEquals(List.of(A.sopUID(1, 0), A.sopUID(1, 2)), values(find(PATIENT_ROOT, id("IMAGE",
                Tag.PatientID, "PID1", Tag.StudyInstanceUID, "1.2.3.1", Tag.SeriesInstanceUID, A.seriesUID(1),
                Tag.SOPInstanceUID, A.sopUID(1, 2) + "\\" + A.sopUID(1, 0))), Tag.SOPInstanceUID));
        assertEquals(List.of(A.sopUID(1, 1)), values(find(STUDY_ROOT, id("IMAGE", Tag.StudyInstanceUID, "1.2.3.1",
                Tag.SeriesInstanceUID, A.seriesUID(1), Tag.InstanceNumber, "2")), Tag.SOPInstanceUID));
        assertEquals(3, find(STUDY_ROOT, id("IMAGE", Tag.StudyInstanceUID, "1.2.3.1",
                Tag.SeriesInstanceUID, A.seriesUID(1), Tag.Rows, "512")).size());
    }

    @Test
    void patientLevelWithRelatedCounts() throws Exception {
        List<DataSet> m = find(PATIENT_ROOT, id("PATIENT", Tag.PatientID, "PID*", Tag.PatientName, "",
                Tag.PatientBirthDate, "", Tag.PatientSex, "", Tag.NumberOfPatientRelatedStudies, "",
                Tag.NumberOfPatientRelatedSeries, "", Tag.NumberOfPatientRelatedInstances, ""));
        assertEquals(List.of("PID1", "PID2", "PID4"), values(m, Tag.PatientID));
        DataSet p1 = m.get(0);
        assertEquals("Doe^Jane", p1.getString(Tag.PatientName));
        assertEquals("19800101", p1.getString(Tag.PatientBirthDate));
        assertEquals("F", p1.getString(Tag.PatientSex));
        assertEquals(2, p1.getInt(Tag.NumberOfPatientRelatedStudies, -1));
        assertEquals(5, p1.getInt(Tag.NumberOfPatientRelatedSeries, -1));
        assertEquals(13, p1.getInt(Tag.NumberOfPatientRelatedInstances, -1));
        assertFalse(p1.contains(Tag.StudyInstanceUID));
        assertEquals(List.of("PID2"), values(find(PATIENT_ROOT, id("PATIENT", Tag.PatientBirthDate, "-19600101")),
                Tag.PatientID));
        assertEquals(List.of("PID1"), values(find(PATIENT_ROOT, id("PATIENT", Tag.PatientName, "*jane")),
                Tag.PatientID));
        // study level in the Patient Root model
        assertEquals(List.of("PID2"), values(find(PATIENT_ROOT, id("patient", Tag.PatientID, "PID2")), Tag.PatientID),
                "the level is read case-insensitively");
        assertEquals(List.of("1.2.3.3"), values(find(PATIENT_ROOT, id("STUDY", Tag.PatientID, "PID2",
                Tag.StudyInstanceUID, "")), Tag.StudyInstanceUID));
    }

    @Test
    void aCancelStopsTheMatches() throws Exception {
        List<DataSet> got = new ArrayList<>();
        queries.find(STUDY_ROOT, id("STUDY"), ds -> {
            got.add(ds);
            return false;
        });
        assertEquals(1, got.size());
    }

    // ---------------------------------------------------------------- bad identifiers

    @Test
    void badIdentifiersFailWithA900() {
        assertStatus(0xA900, () -> find(STUDY_ROOT, new DataSet()));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("FOO")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("PATIENT")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("SERIES", Tag.Modality, "CT")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.*")));
        assertStatus(0xA900, () -> find(PATIENT_ROOT, id("IMAGE", Tag.StudyInstanceUID, "1.2.3.1")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("STUDY", Tag.StudyDate, "2024-01-01")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("STUDY", Tag.StudyTime, "25")));
        assertStatus(0xA900, () -> find(STUDY_ROOT, id("STUDY", Tag.AcquisitionDate, "yesterday")));
    }

    @Test
    void relationalQueriesWhenNegotiated() throws Exception {
        List<DataSet> m = find(STUDY_ROOT, id("SERIES", Tag.Modality, "MR"), new QueryOptions(true, false));
        assertEquals(List.of(B.seriesUID(0), B.seriesUID(1)), values(m, Tag.SeriesInstanceUID));
    }

    @Test
    void pagingSkipsOffsetMatchesThenHandsOnAtMostLimitInTheStableOrder() throws Exception {
        List<String> all = studies(Tag.StudyInstanceUID, "");
        assertEquals(4, all.size());
        QueryOptions page = QueryOptions.DEFAULT.withPaging(1, 2);
        assertEquals(all.subList(1, 3), values(find(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, ""), page),
                Tag.StudyInstanceUID));
        assertEquals(all.subList(3, 4), values(find(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, ""),
                QueryOptions.DEFAULT.withPaging(3, QueryOptions.UNLIMITED)), Tag.StudyInstanceUID));
        // a key only the header has: the paging applies to the matches of the header test, not to the rows
        List<String> aged = studies(Tag.PatientAge, "042Y");
        assertEquals(all, aged);
        assertEquals(all.subList(1, 3), values(find(STUDY_ROOT, id("STUDY", Tag.PatientAge, "042Y"), page),
                Tag.StudyInstanceUID));
        assertEquals(List.of(), values(find(STUDY_ROOT, id("STUDY", Tag.PatientAge, "042Y"),
                QueryOptions.DEFAULT.withPaging(4, 10)), Tag.StudyInstanceUID));
        assertThrows(IllegalArgumentException.class, () -> QueryOptions.DEFAULT.withPaging(-1, 10));
    }

    @Test
    void fuzzyPersonNamesMatchWordPrefixesInAnyOrder() throws Exception {
        QueryOptions fuzzy = QueryOptions.DEFAULT.withFuzzyPersonNames(true);
        assertEquals(List.of(), studies(Tag.PatientName, "jan"), "without fuzzy matching: the whole name");
        assertEquals(List.of("1.2.3.1", "1.2.3.2"), values(find(STUDY_ROOT, id("STUDY", Tag.PatientName, "jan"), fuzzy),
                Tag.StudyInstanceUID));
        assertEquals(List.of("1.2.3.3"), values(find(STUDY_ROOT, id("STUDY", Tag.PatientName, "JO SMI"), fuzzy),
                Tag.StudyInstanceUID));
        assertEquals(List.of("1.2.3.4"), values(find(STUDY_ROOT, id("STUDY", Tag.PatientName, "mü"), fuzzy),
                Tag.StudyInstanceUID));
        assertEquals(List.of(), values(find(STUDY_ROOT, id("STUDY", Tag.PatientName, "ohn"), fuzzy),
                Tag.StudyInstanceUID));
        assertEquals(List.of("1.2.3.1", "1.2.3.2", "1.2.3.3", "1.2.3.4"), values(find(STUDY_ROOT,
                id("STUDY", Tag.ReferringPhysicianName, "marc"), fuzzy), Tag.StudyInstanceUID));
        // the same rule in memory, for names only the header has
        DataSet header = new DataSet();
        header.setString(Tag.PerformingPhysicianName, VR.PN, "van der Berg^Anna=ベルグ");
        assertTrue(HeaderMatcher.compile(Tag.PerformingPhysicianName, id("SERIES", Tag.PerformingPhysicianName,
                "berg an"), true).test(header));
        assertTrue(HeaderMatcher.compile(Tag.PerformingPhysicianName, id("SERIES", Tag.PerformingPhysicianName,
                "DER"), true).test(header));
        assertFalse(HeaderMatcher.compile(Tag.PerformingPhysicianName, id("SERIES", Tag.PerformingPhysicianName,
                "erg"), true).test(header));
        assertFalse(HeaderMatcher.compile(Tag.PerformingPhysicianName, id("SERIES", Tag.PerformingPhysicianName,
                "berg an"), false).test(header));
    }

    static void assertStatus(int status, org.junit.jupiter.api.function.Executable query) {
        QueryException e = assertThrows(QueryException.class, query);
        assertEquals(status, e.status(), e.getMessage());
    }

    // ---------------------------------------------------------------- retrieve

    @Test
    void resolveNamesTheInstancesOfEachLevel() throws Exception {
        List<IndexedInstance> study = queries.resolve(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, "1.2.3.2\\1.2.3.3"));
        assertEquals(List.of(B.sopUID(0, 0), B.sopUID(0, 1), B.sopUID(1, 0), B.sopUID(1, 1), C.sopUID(0, 0)),
                study.stream().map(IndexedInstance::sopInstanceUID).toList());
        assertEquals("fs1", study.get(0).locations().get(0).storageId());
        assertEquals(B.sopUID(0, 0), study.get(0).locations().get(0).storageKey());

        assertEquals(13, queries.resolve(PATIENT_ROOT, id("PATIENT", Tag.PatientID, "PID1")).size());
        assertEquals(3, queries.resolve(STUDY_ROOT, id("SERIES", Tag.SeriesInstanceUID, A.seriesUID(2))).size());
        assertEquals(0, queries.resolve(STUDY_ROOT, id("SERIES", Tag.StudyInstanceUID, "1.2.3.2",
                Tag.SeriesInstanceUID, A.seriesUID(2))).size(), "the study UID narrows the selection");
        List<IndexedInstance> image = queries.resolve(PATIENT_ROOT, id("IMAGE", Tag.SOPInstanceUID, A.sopUID(0, 1)));
        assertEquals(1, image.size());
        assertEquals(A.seriesUID(0), image.get(0).seriesInstanceUID());
        assertEquals("1.2.3.1", image.get(0).studyInstanceUID());
        assertNull(queries.resolve(STUDY_ROOT, id("IMAGE", Tag.SOPInstanceUID, "9.9")).stream().findFirst().orElse(null));

        assertStatus(0xA900, () -> queries.resolve(STUDY_ROOT, id("STUDY")));
        assertStatus(0xA900, () -> queries.resolve(STUDY_ROOT, id("STUDY", Tag.StudyInstanceUID, "1.2.*")));
        assertStatus(0xA900, () -> queries.resolve(STUDY_ROOT, id("PATIENT", Tag.PatientID, "PID1")));
    }

    @Test
    void modelsKnowTheirSOPClasses() {
        assertEquals(QueryModel.STUDY_ROOT, QueryModel.ofSOPClass("1.2.840.10008.5.1.4.1.2.2.3").orElseThrow());
        assertEquals("1.2.840.10008.5.1.4.1.2.1.1", PATIENT_ROOT.findSOPClassUID());
        assertEquals("1.2.840.10008.5.1.4.1.2.1.2", PATIENT_ROOT.moveSOPClassUID());
        assertTrue(QueryModel.ofSOPClass("1.2.3").isEmpty());
    }
}
