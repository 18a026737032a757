package org.gridpacs.web.viewer;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.web.WebTestServer;

/**
 * What the replay stored, by study, series and instance, and which of those studies a study search must find (the
 * keys OHIF's study list sends, matched as PS3.4 C.2.2.2 says), to check the answers against.
 */
final class StoredStudies {
    final Map<String, OhifReads.Study> studies = new LinkedHashMap<>();
    final Map<String, List<DataSet>> seriesInstances = new LinkedHashMap<>();
    final Map<String, DataSet> instances = new HashMap<>();

    /** Stores the series of a CtWithDose study (made once: each ct() call makes new UIDs) under one StudyDate. */
    void store(WebTestServer s, CtWithDose study, String date, List<List<DataSet>> series) throws Exception {
        Set<String> modalities = new TreeSet<>();
        int count = 0;
        for (List<DataSet> list : series) {
            for (DataSet ds : list) {
                s.store(ds);
                instances.put(ds.getString(Tag.SOPInstanceUID), ds);
            }
            seriesInstances.put(list.get(0).getString(Tag.SeriesInstanceUID), list);
            modalities.add(list.get(0).getString(Tag.Modality));
            count += list.size();
        }
        studies.put(study.study, new OhifReads.Study(study.study, study.patientId, study.patientName, date,
                "Viewer test " + study.patientId, modalities, count));
    }

    Set<String> seriesOf(String study) {
        Set<String> uids = new TreeSet<>();
        seriesInstances.forEach((uid, list) -> {
            if (list.get(0).getString(Tag.StudyInstanceUID).equals(study)) {
                uids.add(uid);
            }
        });
        return uids;
    }

    /** The studies a search with these (decoded) parameters must find; a key the model does not know is an error. */
    Set<String> expectedStudies(Map<String, String> query) {
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
                throw new AssertionError("the replay's model does not handle the repeated key " + key);
            }
        }
        return out;
    }
}
