package org.gridpacs.dose.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.retrieve.StoredInstance;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;

/**
 * What a job reads from the archive: the study's CT series and RT Plans from the index, and instances as data sets
 * through the retrieve service (this node's copy, or a peer's).
 */
public final class ArchiveInputs {
    private final QueryService query;
    private final RetrieveService retrieve;

    public ArchiveInputs(QueryService query, RetrieveService retrieve) {
        this.query = query;
        this.retrieve = retrieve;
    }

    /** Whether the archive holds the study. */
    public boolean hasStudy(String study) throws QueryException {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        boolean[] found = {false};
        query.find(QueryModel.STUDY_ROOT, id, m -> {
            found[0] = true;
            return false;
        });
        return found[0];
    }

    /** The study's CT series with their Frame of Reference UID and instance count. */
    List<CtSeriesChoice.CtSeriesInfo> ctSeries(String study) throws QueryException {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "SERIES");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        id.setString(Tag.Modality, VR.CS, "CT");
        id.setNull(Tag.SeriesInstanceUID, VR.UI);
        id.setNull(Tag.FrameOfReferenceUID, VR.UI);
        id.setNull(Tag.NumberOfSeriesRelatedInstances, VR.IS);
        List<CtSeriesChoice.CtSeriesInfo> out = new ArrayList<>();
        query.find(QueryModel.STUDY_ROOT, id, m -> {
            out.add(new CtSeriesChoice.CtSeriesInfo(m.getString(Tag.SeriesInstanceUID),
                    m.getString(Tag.FrameOfReferenceUID), m.getInt(Tag.NumberOfSeriesRelatedInstances, 0)));
            return true;
        });
        return out;
    }

    /** The study's RT Plans (SOP Instance UIDs), for a request that names none. */
    List<String> rtPlans(String study) throws QueryException {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        id.setString(Tag.SOPClassUID, VR.UI, UID.RTPlanStorage);
        id.setNull(Tag.SOPInstanceUID, VR.UI);
        List<String> out = new ArrayList<>();
        DataSet relational = id;
        query.find(QueryModel.STUDY_ROOT, relational,
                new org.gridpacs.archive.query.QueryOptions(true, false), m -> out.add(m.getString(Tag.SOPInstanceUID)));
        return out;
    }

    /** The instances of a series, in instance number order. */
    List<IndexedInstance> instances(String study, String series) throws QueryException {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "SERIES");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        id.setString(Tag.SeriesInstanceUID, VR.UI, series);
        return retrieve.resolve(QueryModel.STUDY_ROOT, id);
    }

    /** One instance of the study, or null when the archive does not hold it. */
    IndexedInstance instance(String study, String sopInstanceUid) throws QueryException {
        DataSet id = new DataSet();
        id.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        id.setString(Tag.StudyInstanceUID, VR.UI, study);
        id.setString(Tag.SOPInstanceUID, VR.UI, sopInstanceUid);
        List<IndexedInstance> found = retrieve.resolve(QueryModel.STUDY_ROOT, id);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Reads an instance's data set (pixel data included) from its first readable copy. */
    DataSet read(IndexedInstance instance) throws IOException {
        try (StoredInstance s = retrieve.open(instance);
             DicomInputStream in = new DicomInputStream(s.dataSet(), 64 * 1024)) {
            in.setTransferSyntax(s.transferSyntax());
            return in.readDataSet();
        }
    }
}
