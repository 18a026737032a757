package org.gridpacs.web.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.OrthancDicomWeb;
import org.gridpacs.dicom.testutil.OrthancDicomWeb.Server;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Proves the {@link OrthancDicomWeb} fixture on Orthanc alone: Orthanc A's DICOMweb client against Orthanc B's
 * DICOMweb server. Three pydicom files go into A, are sent to B by STOW-RS, found on B by QIDO-RS, and come back
 * into A (emptied meanwhile) by WADO-RS, element by element as sent.
 */
@ProcessTest
class OrthancDicomWebFixtureTest {
    @TempDir
    Path dir;

    @Test
    void orthancStowsQueriesAndRetrievesThroughAnotherOrthancsDicomWeb() throws Exception {
        List<Path> files = List.of(TestData.pydicomFile("CT_small.dcm"), TestData.pydicomFile("MR_small.dcm"),
                TestData.pydicomFile("rtdose.dcm"));
        try (OrthancDicomWeb b = OrthancDicomWeb.start(dir.resolve("b"), Map.of());
             OrthancDicomWeb a = OrthancDicomWeb.start(dir.resolve("a"),
                     Map.of("b", Server.of(b.dicomWebRoot()), "nobody", Server.of(b.origin() + "/no-such-root")))) {
            List<String> studies = new ArrayList<>();
            for (Path f : files) {
                OrthancDicomWeb.Uploaded u = a.upload(f);
                assertEquals("Success", u.status(), f.toString());
                studies.add(u.parentStudy());
            }
            assertEquals(3, new HashSet<>(studies).size(), "three studies");

            // STOW-RS A -> B, one study at a time
            for (String s : studies) {
                assertEquals(1, a.stow("b", s).path("InstancesCount").asInt(), "instances sent by STOW");
            }
            assertEquals(3, b.instances().size(), "instances B received");

            // QIDO-RS through A: studies by PatientID, then the series of the study found
            Instances.Instance ct = Instances.read(files.get(0));
            String patientID = ct.dataSet().getString(Tag.PatientID);
            String studyUID = ct.dataSet().getString(Tag.StudyInstanceUID);
            JsonNode found = a.qido("b", "/studies", Map.of("PatientID", patientID));
            assertEquals(1, found.size(), found.toString());
            assertEquals(studyUID, OrthancDicomWeb.value(found.get(0), "0020000D"));
            assertEquals(ct.dataSet().getString(Tag.PatientName), OrthancDicomWeb.value(found.get(0), "00100010"));
            assertEquals("CT", OrthancDicomWeb.value(found.get(0), "00080061"));
            JsonNode series = a.qido("b", "/studies/" + studyUID + "/series", Map.of());
            assertEquals(1, series.size(), series.toString());
            assertEquals(ct.dataSet().getString(Tag.SeriesInstanceUID), OrthancDicomWeb.value(series.get(0), "0020000E"));
            assertEquals(0, a.qido("b", "/studies", Map.of("PatientID", "NO-SUCH-PATIENT")).size());

            // WADO-RS B -> A, into an emptied A, compared element by element with the files sent
            for (String s : studies) {
                a.delete("/studies/" + s);
            }
            assertEquals(0, a.instances().size());
            for (Path f : files) {
                Instances.Instance sent = Instances.read(f);
                String uid = sent.dataSet().getString(Tag.StudyInstanceUID);
                assertNull(a.studyId(uid));
                assertEquals(1, a.retrieve("b", uid), "instances retrieved of " + f.getFileName());
                String back = a.studyId(uid);
                assertNotNull(back, "study back in A");
                List<String> ids = a.studyInstances(back);
                assertEquals(1, ids.size());
                Path received = a.download(ids.get(0), dir.resolve(f.getFileName() + ".back"));
                // the data sets, not the meta information: rtdose.dcm's names another SOP Instance UID than its data set
                DataSetDiff.assertSameDataSet(Instances.normalizeLikeDcmtkStoring(sent.dataSet()),
                        Instances.normalizeLikeDcmtkStoring(Instances.read(received).dataSet()), f.getFileName().toString());
            }

            // a failing client call names what the remote server answered
            OrthancDicomWeb.RequestFailed e = assertThrows(OrthancDicomWeb.RequestFailed.class,
                    () -> a.qido("nobody", "/studies", Map.of()));
            assertEquals(List.of(404), e.remoteStatuses(), e.getMessage());
            assertTrue(e.getMessage().contains("received HTTP [404]"), e.getMessage());
        }
    }
}
