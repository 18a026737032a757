package org.gridpacs.archive.index;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;

/** Data sets, headers and stored objects made in code for the index and query tests. */
public final class TestInstances {
    public static final String TS = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();

    private TestInstances() {
    }

    /** A study to generate: its patient and study attributes, and one modality per series. */
    public record Study(String patientID, String patientName, String birthDate, String studyUID, String studyDate,
                        String studyTime, String accession, String description, List<String> seriesModalities,
                        int instancesPerSeries) {

        public String seriesUID(int series) {
            return studyUID + "." + (series + 1);
        }

        public String sopUID(int series, int instance) {
            return seriesUID(series) + "." + (instance + 1);
        }

        /** Every instance, series by series. */
        public List<DataSet> instances() {
            List<DataSet> out = new ArrayList<>();
            for (int s = 0; s < seriesModalities.size(); s++) {
                for (int i = 0; i < instancesPerSeries; i++) {
                    out.add(instance(s, i));
                }
            }
            return out;
        }

        public DataSet instance(int series, int instance) {
            DataSet ds = new DataSet();
            ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
            ds.setString(Tag.SOPInstanceUID, VR.UI, sopUID(series, instance));
            if (studyDate != null) {
                ds.setString(Tag.StudyDate, VR.DA, studyDate);
            }
            if (studyTime != null) {
                ds.setString(Tag.StudyTime, VR.TM, studyTime);
            }
            if (accession != null) {
                ds.setString(Tag.AccessionNumber, VR.SH, accession);
            }
            ds.setString(Tag.Modality, VR.CS, seriesModalities.get(series));
            ds.setString(Tag.ReferringPhysicianName, VR.PN, "Welby^Marcus");
            if (description != null) {
                ds.setString(Tag.StudyDescription, VR.LO, description);
            }
            ds.setString(Tag.SeriesDescription, VR.LO, "series " + (series + 1));
            if (patientName != null) {
                ds.setString(Tag.PatientName, VR.PN, patientName);
            }
            if (patientID != null) {
                ds.setString(Tag.PatientID, VR.LO, patientID);
            }
            if (birthDate != null) {
                ds.setString(Tag.PatientBirthDate, VR.DA, birthDate);
            }
            ds.setString(Tag.PatientSex, VR.CS, "F");
            ds.setString(Tag.PatientAge, VR.AS, "042Y");
            ds.setString(Tag.BodyPartExamined, VR.CS, "CHEST");
            ds.setDouble(Tag.SliceThickness, VR.DS, 1.25 * (series + 1));
            ds.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
            ds.setString(Tag.SeriesInstanceUID, VR.UI, seriesUID(series));
            ds.setString(Tag.StudyID, VR.SH, "S1");
            ds.setInt(Tag.SeriesNumber, VR.IS, series + 1);
            ds.setInt(Tag.InstanceNumber, VR.IS, instance + 1);
            ds.setInt(Tag.Rows, VR.US, 512);
            return ds;
        }
    }

    public static InstanceHeader header(DataSet ds) {
        return InstanceHeader.of(ds, TS, encode(ds));
    }

    public static StoredObject object(String key) {
        return new StoredObject("fs1", key, 1000 + key.length(), "crc32c:0badcafe");
    }

    /** The header as the store handler keeps it: the bare data set, Explicit VR Little Endian. */
    public static byte[] encode(DataSet ds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes)) {
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(ds);
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Inserts every instance of the study, each with an object keyed by its SOP Instance UID. */
    public static void insert(InstanceIndex index, Study study) throws java.sql.SQLException {
        for (DataSet ds : study.instances()) {
            index.insert(header(ds), object(ds.getString(Tag.SOPInstanceUID)), "MODALITY");
        }
    }
}
