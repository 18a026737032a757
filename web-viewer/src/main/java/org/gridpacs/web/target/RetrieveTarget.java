package org.gridpacs.web.target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.ResourcePath;

/**
 * The instances a DICOMweb request names (a study, a series of it, or one instance of that series; WADO-RS,
 * rendered, WADO-URI), found with the retrieve service as a Study Root C-GET identifier would find them: the UIDs
 * of the levels above must match too, so {@code /studies/A/series/B} of a series B that is not in study A is
 * unknown (404 naming what the request names).
 */
public final class RetrieveTarget {
    private final RetrieveService retrieve;

    public RetrieveTarget(RetrieveService retrieve) {
        this.retrieve = retrieve;
    }

    /** The instances {@code path} names; one for an instance-level path. */
    public List<IndexedInstance> instances(ResourcePath path) throws Exception {
        if (path.instance() != null) {
            return List.of(instance(path.study(), path.series(), path.instance()));
        }
        List<IndexedInstance> found = resolve(path.series() != null ? "SERIES" : "STUDY", path.study(), path.series(),
                null);
        if (found.isEmpty()) {
            throw HttpProblem.notFound(describe(path.study(), path.series(), null) + " is not in the archive");
        }
        return found;
    }

    /** The instance {@code path} names (an instance-level path). */
    public IndexedInstance instance(ResourcePath path) throws Exception {
        return instance(path.study(), path.series(), path.instance());
    }

    /**
     * One instance, which must belong to the study and series named: found by its SOP Instance UID alone (the
     * index's unique key: one cheap lookup per frame request), the study and series compared here.
     */
    public IndexedInstance instance(String study, String series, String sop) throws Exception {
        IndexedInstance found = retrieve.instance(sop.trim()).orElse(null);
        if (found == null || !found.studyInstanceUID().equals(study.trim())
                || !found.seriesInstanceUID().equals(series.trim())) {
            throw HttpProblem.notFound(describe(study, series, sop) + " is not in the archive");
        }
        return found;
    }

    /**
     * The instances of a study (series null) or a series, grouped by series in the index's order (series as
     * stored, instances by Instance Number within each).
     */
    public List<List<IndexedInstance>> bySeries(String study, String series) throws Exception {
        List<IndexedInstance> found = resolve(series == null ? "STUDY" : "SERIES", study, series, null);
        if (found.isEmpty()) {
            throw HttpProblem.notFound(describe(study, series, null) + " is not in the archive");
        }
        Map<String, List<IndexedInstance>> groups = new LinkedHashMap<>();
        for (IndexedInstance i : found) {
            groups.computeIfAbsent(i.seriesInstanceUID(), k -> new ArrayList<>()).add(i);
        }
        return List.copyOf(groups.values());
    }

    /** "study 1.2.3", "series 1.2.4 of study 1.2.3", "instance 1.2.5 of series 1.2.4 of study 1.2.3". */
    public static String describe(ResourcePath path) {
        return describe(path.study(), path.series(), path.instance());
    }

    private static String describe(String study, String series, String sop) {
        String s = "study " + study;
        if (series != null) {
            s = "series " + series + " of " + s;
        }
        if (sop != null) {
            s = "instance " + sop + " of " + s;
        }
        return s;
    }

    /** @throws HttpProblem 400 for a UID that is not one */
    private List<IndexedInstance> resolve(String level, String study, String series, String sop) throws Exception {
        DataSet identifier = new DataSet();
        identifier.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        identifier.setString(Tag.StudyInstanceUID, VR.UI, study);
        if (series != null) {
            identifier.setString(Tag.SeriesInstanceUID, VR.UI, series);
        }
        if (sop != null) {
            identifier.setString(Tag.SOPInstanceUID, VR.UI, sop);
        }
        try {
            return retrieve.resolve(QueryModel.STUDY_ROOT, identifier);
        } catch (QueryException e) {
            if (e.status() == QueryException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS) {
                throw HttpProblem.badRequest(e.getMessage());
            }
            throw e;
        }
    }
}
