package org.gridpacs.web.wado;

import java.util.List;

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
 * The instances a WADO-RS path names (a study, a series of it, or one instance of that series), found with the
 * retrieve service as a Study Root C-GET identifier would find them: the UIDs of the levels above must match too,
 * so {@code /studies/A/series/B} of a series B that is not in study A is unknown.
 */
final class RetrieveTarget {
    private RetrieveTarget() {
    }

    /**
     * @throws HttpProblem 404 naming what the path names when nothing matches; 400 for a UID that is not one
     */
    static List<IndexedInstance> resolve(RetrieveService retrieve, ResourcePath path) throws Exception {
        DataSet identifier = new DataSet();
        String level = path.instance() != null ? "IMAGE" : path.series() != null ? "SERIES" : "STUDY";
        identifier.setString(Tag.QueryRetrieveLevel, VR.CS, level);
        identifier.setString(Tag.StudyInstanceUID, VR.UI, path.study());
        if (path.series() != null) {
            identifier.setString(Tag.SeriesInstanceUID, VR.UI, path.series());
        }
        if (path.instance() != null) {
            identifier.setString(Tag.SOPInstanceUID, VR.UI, path.instance());
        }
        List<IndexedInstance> found;
        try {
            found = retrieve.resolve(QueryModel.STUDY_ROOT, identifier);
        } catch (QueryException e) {
            if (e.status() == QueryException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS) {
                throw HttpProblem.badRequest(e.getMessage());
            }
            throw e;
        }
        if (found.isEmpty()) {
            throw HttpProblem.notFound(describe(path) + " is not in the archive");
        }
        return found;
    }

    /** "study 1.2.3", "series 1.2.4 of study 1.2.3", "instance 1.2.5 of series 1.2.4 of study 1.2.3". */
    static String describe(ResourcePath path) {
        String s = "study " + path.study();
        if (path.series() != null) {
            s = "series " + path.series() + " of " + s;
        }
        if (path.instance() != null) {
            s = "instance " + path.instance() + " of " + s;
        }
        return s;
    }
}
