package org.gridpacs.federation.retrieve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * The instances a retrieve's identifier selects, found with Study Root C-FINDs that descend the hierarchy one level
 * at a time (studies, then their series, then their instances), so that a strictly hierarchical SCP (ours, PS3.4
 * C.4.1.3.1) answers them: one answer per instance, with what the relay needs before the first instance arrives
 * (its SOP class, for the presentation contexts; the count, for the first pending response) and what the audit
 * record names (patient, study, accession).
 */
final class LocateKeys {
    private LocateKeys() {
    }

    /** One C-FIND: the matches of {@code keys}. */
    @FunctionalInterface
    interface Finder {
        List<DataSet> find(DataSet keys) throws IOException, DimseException;
    }

    /** One instance found: what the relay and the audit record need of it. */
    record Found(String sopInstanceUID, String sopClassUID, String studyInstanceUID, String patientId,
                 String patientName, String accessionNumber) {
    }

    /**
     * The instances {@code retrieve} selects; 0xA900 (identifier does not match SOP class) when its level is missing
     * or unknown or a unique key it needs is absent.
     */
    static List<Found> locate(DataSet retrieve, Finder finder) throws IOException, DimseException {
        String level = retrieve.getString(Tag.QueryRetrieveLevel);
        level = level == null ? "" : level.trim();
        List<Found> out = new ArrayList<>();
        List<DataSet> studies = new ArrayList<>();
        switch (level) {
            case "PATIENT" -> {
                for (String pid : values(retrieve, Tag.PatientID, level)) {
                    studies.addAll(finder.find(studyKeys(Tag.PatientID, VR.LO, pid)));
                }
            }
            case "STUDY", "SERIES", "IMAGE" -> {
                for (String uid : values(retrieve, Tag.StudyInstanceUID, level)) {
                    studies.addAll(finder.find(studyKeys(Tag.StudyInstanceUID, VR.UI, uid)));
                }
            }
            default -> throw new DimseException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "Query/Retrieve Level is "
                    + (level.isEmpty() ? "missing" : "'" + level + "'") + ": PATIENT, STUDY, SERIES or IMAGE");
        }
        for (DataSet study : studies) {
            String studyUID = study.getString(Tag.StudyInstanceUID);
            if (studyUID == null || studyUID.isEmpty()) {
                continue;
            }
            List<String> series = new ArrayList<>();
            if (level.equals("SERIES") || level.equals("IMAGE")) {
                series.addAll(values(retrieve, Tag.SeriesInstanceUID, level));
            } else {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "SERIES");
                keys.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
                keys.setNull(Tag.SeriesInstanceUID, VR.UI);
                for (DataSet s : finder.find(keys)) {
                    series.add(s.getString(Tag.SeriesInstanceUID));
                }
            }
            for (String seriesUID : series) {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
                keys.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
                keys.setString(Tag.SeriesInstanceUID, VR.UI, seriesUID);
                if (level.equals("IMAGE")) {
                    keys.setString(Tag.SOPInstanceUID, VR.UI, values(retrieve, Tag.SOPInstanceUID, level)
                            .toArray(new String[0]));
                } else {
                    keys.setNull(Tag.SOPInstanceUID, VR.UI);
                }
                keys.setNull(Tag.SOPClassUID, VR.UI);
                for (DataSet i : finder.find(keys)) {
                    out.add(new Found(i.getString(Tag.SOPInstanceUID), i.getString(Tag.SOPClassUID), studyUID,
                            study.getString(Tag.PatientID, ""), study.getString(Tag.PatientName),
                            study.getString(Tag.AccessionNumber)));
                }
            }
        }
        return out;
    }

    private static DataSet studyKeys(int tag, VR vr, String value) {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setNull(Tag.PatientID, VR.LO);
        keys.setNull(Tag.PatientName, VR.PN);
        keys.setNull(Tag.AccessionNumber, VR.SH);
        keys.setNull(Tag.StudyInstanceUID, VR.UI);
        keys.setString(tag, vr, value);
        return keys;
    }

    private static List<String> values(DataSet retrieve, int tag, String level) throws DimseException {
        List<String> out = new ArrayList<>();
        for (String v : retrieve.getStrings(tag)) {
            if (v != null && !v.isEmpty()) {
                out.add(v);
            }
        }
        if (out.isEmpty()) {
            throw new DimseException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, "a " + level
                    + "-level retrieve needs a value of " + String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF));
        }
        return out;
    }
}
