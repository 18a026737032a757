package org.gridpacs.federation.deid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One RT study of pydicom's files (CT_small, rtstruct, rtplan, rtdose; their references patched to point at one
 * another, as a planning system writes them): after one export, every reference in one file equals the new UID
 * of the object it names in another.
 */
class StudyReferencesTest {
    @TempDir
    Path dir;

    private Instances ct;
    private Instances struct;
    private Instances plan;
    private Instances dose;

    @BeforeEach
    void oneStudy() throws Exception {
        ct = Instances.read(TestData.pydicomFile("CT_small.dcm"));
        struct = Instances.read(TestData.pydicomFile("rtstruct.dcm"));
        plan = Instances.read(TestData.pydicomFile("rtplan.dcm"));
        dose = Instances.read(TestData.pydicomFile("rtdose.dcm"));
        DataSet c = ct.dataSet();
        String study = c.getString(Tag.StudyInstanceUID);
        String frame = c.getString(Tag.FrameOfReferenceUID);
        for (Instances i : List.of(struct, plan, dose)) {
            i.dataSet().setString(Tag.StudyInstanceUID, VR.UI, study);
            i.dataSet().setString(Tag.PatientID, VR.LO, c.getString(Tag.PatientID));
        }
        plan.dataSet().setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        dose.dataSet().setString(Tag.FrameOfReferenceUID, VR.UI, frame);

        DataSet refFrame = struct.dataSet().getItem(Tag.ReferencedFrameOfReferenceSequence);
        refFrame.setString(Tag.FrameOfReferenceUID, VR.UI, frame);
        DataSet refStudy = refFrame.getItem(Tag.RTReferencedStudySequence);
        refStudy.setString(Tag.ReferencedSOPInstanceUID, VR.UI, study);
        DataSet refSeries = refStudy.getItem(Tag.RTReferencedSeriesSequence);
        refSeries.setString(Tag.SeriesInstanceUID, VR.UI, c.getString(Tag.SeriesInstanceUID));
        DataSet image = refSeries.newSequence(Tag.ContourImageSequence).addItem();
        image.setString(Tag.ReferencedSOPClassUID, VR.UI, UID.CTImageStorage);
        image.setString(Tag.ReferencedSOPInstanceUID, VR.UI, c.getString(Tag.SOPInstanceUID));
        for (DataSet roi : struct.dataSet().getSequence(Tag.StructureSetROISequence)) {
            roi.setString(Tag.ReferencedFrameOfReferenceUID, VR.UI, frame);
        }
        plan.dataSet().getItem(Tag.ReferencedStructureSetSequence)
                .setString(Tag.ReferencedSOPInstanceUID, VR.UI, struct.dataSet().getString(Tag.SOPInstanceUID));
        dose.dataSet().getItem(Tag.ReferencedRTPlanSequence)
                .setString(Tag.ReferencedSOPInstanceUID, VR.UI, plan.dataSet().getString(Tag.SOPInstanceUID));
    }

    private List<DataSet> export(String destination) throws Exception {
        Deidentifier deid = new Deidentifier(DeidentificationOptions.BASIC,
                Pseudonymizer.forDestination(DeidentifierTest.SECRET, destination));
        List<DataSet> out = new ArrayList<>();
        for (Map.Entry<String, Instances> e : Map.of("ct", ct, "struct", struct, "plan", plan, "dose", dose).entrySet()) {
            Path in = dir.resolve(e.getKey() + ".dcm");
            e.getValue().write(in);
            Path result = dir.resolve(destination + "-" + e.getKey() + ".dcm");
            deid.deidentify(in, result);
            Dcmtk.require();
            assertEquals(0, Dcmtk.run(60, "dcmdump", "-q", result.toString()).exitCode());
            out.add(Instances.read(result).dataSet());
        }
        return out;
    }

    private static DataSet bySopClass(List<DataSet> all, String sopClass) {
        return all.stream().filter(d -> sopClass.equals(d.getString(Tag.SOPClassUID))).findFirst().orElseThrow();
    }

    @Test
    void referencesStayConsistentAcrossFiles() throws Exception {
        List<DataSet> out = export("SITE_B");
        DataSet c = bySopClass(out, UID.CTImageStorage);
        DataSet s = bySopClass(out, UID.RTStructureSetStorage);
        DataSet p = bySopClass(out, UID.RTPlanStorage);
        DataSet d = bySopClass(out, UID.RTDoseStorage);

        String study = c.getString(Tag.StudyInstanceUID);
        String frame = c.getString(Tag.FrameOfReferenceUID);
        assertNotEquals(ct.dataSet().getString(Tag.StudyInstanceUID), study);
        assertTrue(study.startsWith("2.25."));
        for (DataSet x : out) {
            assertEquals(study, x.getString(Tag.StudyInstanceUID), "one study");
            assertEquals(c.getString(Tag.PatientID), x.getString(Tag.PatientID), "one patient pseudonym");
        }
        assertEquals(frame, p.getString(Tag.FrameOfReferenceUID));
        assertEquals(frame, d.getString(Tag.FrameOfReferenceUID));

        DataSet refFrame = s.getItem(Tag.ReferencedFrameOfReferenceSequence);
        assertEquals(frame, refFrame.getString(Tag.FrameOfReferenceUID));
        DataSet refStudy = refFrame.getItem(Tag.RTReferencedStudySequence);
        assertEquals(study, refStudy.getString(Tag.ReferencedSOPInstanceUID), "RT Referenced Study");
        assertEquals(UID.DetachedStudyManagement, refStudy.getString(Tag.ReferencedSOPClassUID),
                "a SOP Class UID is never remapped");
        DataSet refSeries = refStudy.getItem(Tag.RTReferencedSeriesSequence);
        assertEquals(c.getString(Tag.SeriesInstanceUID), refSeries.getString(Tag.SeriesInstanceUID), "RT Referenced Series");
        assertEquals(c.getString(Tag.SOPInstanceUID),
                refSeries.getItem(Tag.ContourImageSequence).getString(Tag.ReferencedSOPInstanceUID), "Contour Image");
        for (DataSet roi : s.getSequence(Tag.StructureSetROISequence)) {
            assertEquals(frame, roi.getString(Tag.ReferencedFrameOfReferenceUID));
        }
        assertEquals(s.getString(Tag.SOPInstanceUID),
                p.getItem(Tag.ReferencedStructureSetSequence).getString(Tag.ReferencedSOPInstanceUID), "Referenced Structure Set");
        assertEquals(p.getString(Tag.SOPInstanceUID),
                d.getItem(Tag.ReferencedRTPlanSequence).getString(Tag.ReferencedSOPInstanceUID), "Referenced RT Plan");
    }

    @Test
    void aLaterExportToTheSameSiteAgreesAnotherSiteDoesNot() throws Exception {
        List<DataSet> first = export("SITE_B");
        List<DataSet> again = export("SITE_B");
        List<DataSet> other = export("SITE_C");
        String plan1 = bySopClass(first, UID.RTPlanStorage).getString(Tag.SOPInstanceUID);
        assertEquals(plan1, bySopClass(again, UID.RTPlanStorage).getString(Tag.SOPInstanceUID));
        assertEquals(plan1, bySopClass(again, UID.RTDoseStorage).getItem(Tag.ReferencedRTPlanSequence)
                .getString(Tag.ReferencedSOPInstanceUID), "a dose sent later still finds the plan sent before");
        assertNotEquals(plan1, bySopClass(other, UID.RTPlanStorage).getString(Tag.SOPInstanceUID));
    }
}
