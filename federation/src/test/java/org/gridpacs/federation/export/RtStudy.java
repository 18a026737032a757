package org.gridpacs.federation.export;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;

import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.testutil.TestData;

/**
 * One RT study of pydicom's files (CT_small, rtstruct, rtplan, rtdose), their references patched to point at one
 * another as a planning system writes them (as in the de-identification tests).
 */
record RtStudy(DataSet ct, DataSet struct, DataSet plan, DataSet dose, List<String> transferSyntaxes) {

    static RtStudy load() throws Exception {
        DataSet[] ds = new DataSet[4];
        String[] ts = new String[4];
        String[] names = {"CT_small.dcm", "rtstruct.dcm", "rtplan.dcm", "rtdose.dcm"};
        for (int i = 0; i < 4; i++) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(TestData.pydicomFile(names[i])))) {
                DicomInputStream dis = new DicomInputStream(in);
                dis.readFileMetaInformation();
                ts[i] = dis.transferSyntax().uid();
                ds[i] = dis.readDataSet();
            }
        }
        DataSet c = ds[0];
        DataSet struct = ds[1];
        DataSet plan = ds[2];
        DataSet dose = ds[3];
        String study = c.getString(Tag.StudyInstanceUID);
        String frame = c.getString(Tag.FrameOfReferenceUID);
        for (DataSet x : List.of(struct, plan, dose)) {
            x.setString(Tag.StudyInstanceUID, VR.UI, study);
            x.setString(Tag.PatientID, VR.LO, c.getString(Tag.PatientID));
            x.setString(Tag.PatientName, VR.PN, c.getString(Tag.PatientName));
        }
        for (DataSet x : ds) {
            x.setString(Tag.InstitutionName, VR.LO, "St Elsewhere Hospital");
            x.setString(Tag.ReferringPhysicianName, VR.PN, "HOUSE^GREGORY");
        }
        plan.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        dose.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        DataSet refFrame = struct.getItem(Tag.ReferencedFrameOfReferenceSequence);
        refFrame.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        DataSet refStudy = refFrame.getItem(Tag.RTReferencedStudySequence);
        refStudy.setString(Tag.ReferencedSOPInstanceUID, VR.UI, study);
        DataSet refSeries = refStudy.getItem(Tag.RTReferencedSeriesSequence);
        refSeries.setString(Tag.SeriesInstanceUID, VR.UI, c.getString(Tag.SeriesInstanceUID));
        DataSet image = refSeries.newSequence(Tag.ContourImageSequence).addItem();
        image.setString(Tag.ReferencedSOPClassUID, VR.UI, UID.CTImageStorage);
        image.setString(Tag.ReferencedSOPInstanceUID, VR.UI, c.getString(Tag.SOPInstanceUID));
        for (DataSet roi : struct.getSequence(Tag.StructureSetROISequence)) {
            roi.setString(Tag.ReferencedFrameOfReferenceUID, VR.UI, frame);
        }
        plan.getItem(Tag.ReferencedStructureSetSequence)
                .setString(Tag.ReferencedSOPInstanceUID, VR.UI, struct.getString(Tag.SOPInstanceUID));
        dose.getItem(Tag.ReferencedRTPlanSequence)
                .setString(Tag.ReferencedSOPInstanceUID, VR.UI, plan.getString(Tag.SOPInstanceUID));
        return new RtStudy(c, struct, plan, dose, List.of(ts));
    }

    List<DataSet> all() {
        return List.of(ct, struct, plan, dose);
    }

    String studyUid() {
        return ct.getString(Tag.StudyInstanceUID);
    }

    /** Stores the four instances (copies: the originals stay for comparison) into {@code store}. */
    void storeInto(InstanceStore store) throws Exception {
        List<DataSet> all = all();
        for (int i = 0; i < all.size(); i++) {
            DataSet copy = all.get(i).copy();
            store.store(StoreRequest.of(copy, transferSyntaxes.get(i), "MODALITY"), copy);
        }
    }
}
