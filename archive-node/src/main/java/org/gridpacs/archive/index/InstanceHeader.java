package org.gridpacs.archive.index;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;

/**
 * What the index keeps of one instance: the matching keys of each level as columns, and the encoded header
 * (the data set without bulk data, Explicit VR Little Endian) so that any attribute can be returned.
 */
public record InstanceHeader(
        String patientID, String issuerOfPatientID, String patientName, String patientBirthDate, String patientSex,
        String studyInstanceUID, String studyDate, String studyTime, String accessionNumber, String studyID,
        String studyDescription, String referringPhysicianName,
        String seriesInstanceUID, String modality, String seriesNumber, String seriesDescription, String bodyPartExamined,
        String sopInstanceUID, String sopClassUID, String instanceNumber, String transferSyntaxUID,
        byte[] encodedHeader) {

    /** Reads the keys from a header; {@link IllegalArgumentException} names a missing Type 1 UID. */
    public static InstanceHeader of(DataSet ds, String transferSyntaxUID, byte[] encodedHeader) {
        return new InstanceHeader(
                ds.getString(Tag.PatientID), ds.getString(Tag.IssuerOfPatientID), ds.getString(Tag.PatientName),
                ds.getString(Tag.PatientBirthDate), ds.getString(Tag.PatientSex),
                required(ds, Tag.StudyInstanceUID, "Study Instance UID (0020,000D)"), ds.getString(Tag.StudyDate),
                ds.getString(Tag.StudyTime), ds.getString(Tag.AccessionNumber), ds.getString(Tag.StudyID),
                ds.getString(Tag.StudyDescription), ds.getString(Tag.ReferringPhysicianName),
                required(ds, Tag.SeriesInstanceUID, "Series Instance UID (0020,000E)"), ds.getString(Tag.Modality),
                ds.getString(Tag.SeriesNumber), ds.getString(Tag.SeriesDescription), ds.getString(Tag.BodyPartExamined),
                required(ds, Tag.SOPInstanceUID, "SOP Instance UID (0008,0018)"),
                required(ds, Tag.SOPClassUID, "SOP Class UID (0008,0016)"), ds.getString(Tag.InstanceNumber),
                transferSyntaxUID, encodedHeader);
    }

    private static String required(DataSet ds, int tag, String name) {
        String v = ds.getString(tag);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("the data set has no " + name);
        }
        return v;
    }
}
