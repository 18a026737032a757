package org.gridpacs.web.render;

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

/** Finds the instances a rendered or WADO-URI request names, through the retrieve service (404 when none). */
public final class Instances {
    private final RetrieveService retrieve;

    public Instances(RetrieveService retrieve) {
        this.retrieve = retrieve;
    }

    /** One instance, which must belong to the study and series named. */
    public IndexedInstance instance(String study, String series, String sop) throws HttpProblem {
        List<IndexedInstance> found = resolve("IMAGE", study, series, sop);
        if (found.isEmpty()) {
            throw HttpProblem.notFound("no instance " + sop + " in series " + series + " of study " + study);
        }
        return found.get(0);
    }

    /**
     * The instances of a study (series null) or a series, grouped by series in the index's order (series as
     * stored, instances by Instance Number within each).
     */
    public List<List<IndexedInstance>> bySeries(String study, String series) throws HttpProblem {
        List<IndexedInstance> found = resolve(series == null ? "STUDY" : "SERIES", study, series, null);
        if (found.isEmpty()) {
            throw HttpProblem.notFound(series == null ? "no study " + study
                    : "no series " + series + " in study " + study);
        }
        Map<String, List<IndexedInstance>> groups = new LinkedHashMap<>();
        for (IndexedInstance i : found) {
            groups.computeIfAbsent(i.seriesInstanceUID(), k -> new ArrayList<>()).add(i);
        }
        return List.copyOf(groups.values());
    }

    private List<IndexedInstance> resolve(String level, String study, String series, String sop) throws HttpProblem {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        if (series != null) {
            id.setString(Tag.SeriesInstanceUID, VR.UI, series);
        }
        if (sop != null) {
            id.setString(Tag.SOPInstanceUID, VR.UI, sop);
        }
        try {
            return retrieve.resolve(QueryModel.STUDY_ROOT, id);
        } catch (QueryException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }
}
