package org.gridpacs.federation.retrieve;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * A retrieve's identifier turned into a Study Root C-FIND at the IMAGE level: one answer per instance, with what the
 * relay needs before the first instance arrives (its SOP class, for the presentation contexts of the C-GET and of
 * the association to the move destination; the count, for the first pending response) and what the audit record
 * names (patient, study, accession). Only the unique keys of the retrieve's level are copied (PS3.4 C.4.2.1.4).
 */
final class LocateKeys {
    private LocateKeys() {
    }

    /** One instance a C-FIND found: what the relay and the audit record need of it. */
    record Found(String sopInstanceUID, String sopClassUID, String studyInstanceUID, String patientId,
                 String patientName, String accessionNumber) {

        static Found of(DataSet match) {
            return new Found(match.getString(Tag.SOPInstanceUID), match.getString(Tag.SOPClassUID),
                    match.getString(Tag.StudyInstanceUID), match.getString(Tag.PatientID, ""),
                    match.getString(Tag.PatientName), match.getString(Tag.AccessionNumber));
        }
    }

    /**
     * The C-FIND identifier for {@code retrieve}'s instances; throws 0xA900 (identifier does not match SOP class)
     * when the level is missing or unknown or its unique key is absent.
     */
    static DataSet imageLevelQuery(DataSet retrieve) throws DimseException {
        String level = retrieve.getString(Tag.QueryRetrieveLevel);
        List<Integer> unique = switch (level == null ? "" : level.trim()) {
            case "PATIENT" -> List.of(Tag.PatientID);
            case "STUDY" -> List.of(Tag.StudyInstanceUID);
            case "SERIES" -> List.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID);
            case "IMAGE" -> List.of(Tag.StudyInstanceUID, Tag.SeriesInstanceUID, Tag.SOPInstanceUID);
            default -> throw new DimseException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "Query/Retrieve Level is " + (level == null ? "missing" : "'" + level + "'")
                            + ": PATIENT, STUDY, SERIES or IMAGE");
        };
        int key = unique.get(unique.size() - 1);
        String[] values = retrieve.getStrings(key);
        if (values == null || values.length == 0 || values[0] == null || values[0].isEmpty()) {
            throw new DimseException(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
                    "a " + level.trim() + "-level retrieve needs its unique key (" + String.format("%08X", key) + ")");
        }
        DataSet q = new DataSet();
        q.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
        for (int tag : new int[] {Tag.PatientID, Tag.PatientName, Tag.AccessionNumber, Tag.StudyInstanceUID,
                Tag.SeriesInstanceUID, Tag.SOPInstanceUID, Tag.SOPClassUID}) {
            String[] v = unique.contains(tag) ? retrieve.getStrings(tag) : null;
            q.setString(tag, vr(tag), v != null ? v : new String[0]);
        }
        return q;
    }

    private static VR vr(int tag) {
        return switch (tag) {
            case Tag.PatientID -> VR.LO;
            case Tag.PatientName -> VR.PN;
            case Tag.AccessionNumber -> VR.SH;
            default -> VR.UI;
        };
    }
}
