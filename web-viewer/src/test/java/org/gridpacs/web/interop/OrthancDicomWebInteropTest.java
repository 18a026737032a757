package org.gridpacs.web.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.Instances;
import org.gridpacs.dicom.testutil.OrthancDicomWeb;
import org.gridpacs.dicom.testutil.OrthancDicomWeb.Server;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real DICOMweb client against our server: Orthanc 1.10 with its DICOMweb plugin, our archive under
 * "DicomWeb.Servers", queries us (QIDO-RS), retrieves studies from us (WADO-RS) and stores a study into us
 * (STOW-RS); what arrives on either side is compared element by element with what was sent. When one of our
 * answers is refused, the failure names the HTTP status Orthanc's client received from us.
 */
@ProcessTest
class OrthancDicomWebInteropTest {
    private static final String US = "gridpacs";

    @TempDir
    Path dir;
    private WebTestServer ours;
    private OrthancDicomWeb orthanc;
    private final List<Path> held = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ours = new WebTestServer(dir.resolve("ours"));
        for (String name : List.of("CT_small.dcm", "MR_small.dcm", "rtdose.dcm")) {
            Path f = TestData.pydicomFile(name);
            Instances.Instance i = Instances.read(f);
            if (i.sopInstanceUID().equals(i.fmi().getString(Tag.MediaStorageSOPInstanceUID))) {
                ours.storeFile(f);
            } else {
                ours.store(i.dataSet()); // rtdose.dcm: its meta information names another SOP Instance UID
            }
            held.add(f);
        }
        orthanc = OrthancDicomWeb.start(dir.resolve("orthanc"), Map.of(US, Server.of(ours.root())));
    }

    @AfterEach
    void stop() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        if (ours != null) {
            ours.close();
        }
    }

    @Test
    void orthancFindsOurStudiesByPatientIDAndTheirSeries() throws Exception {
        for (Path f : held) {
            DataSet sent = Instances.read(f).dataSet();
            String study = sent.getString(Tag.StudyInstanceUID);
            JsonNode studies = orthanc.qido(US, "/studies", Map.of("PatientID", sent.getString(Tag.PatientID)));
            assertEquals(1, studies.size(), f.getFileName() + ": " + studies);
            JsonNode s = studies.get(0);
            assertEquals(study, OrthancDicomWeb.value(s, "0020000D"), f.getFileName() + ": " + s);
            assertEquals(sent.getString(Tag.PatientID), OrthancDicomWeb.value(s, "00100020"));
            assertEquals(sent.getString(Tag.StudyDate), OrthancDicomWeb.value(s, "00080020"));
            assertEquals(sent.getString(Tag.PatientName), OrthancDicomWeb.value(s, "00100010"));
            assertEquals(sent.getString(Tag.Modality), OrthancDicomWeb.value(s, "00080061"));
            // Orthanc 1.10's DICOMweb client drops IS values written as JSON numbers, even those of Orthanc's own
            // DICOMweb server (tried: its answer served back to it loses 00201208 too); PS3.18 F.2.3 makes numbers the
            // form, dcm2json writes them: ours are read directly instead
            var direct = ours.get("/dicom-web/studies?PatientID=" + java.net.URLEncoder.encode(
                    sent.getString(Tag.PatientID), java.nio.charset.StandardCharsets.UTF_8), "application/dicom+json");
            assertEquals(1, new com.fasterxml.jackson.databind.ObjectMapper().readTree(direct.body()).get(0)
                    .path("00201208").path("Value").get(0).asInt(), "NumberOfStudyRelatedInstances");

            JsonNode series = orthanc.qido(US, "/studies/" + study + "/series", Map.of());
            assertEquals(1, series.size(), f.getFileName() + ": " + series);
            assertEquals(sent.getString(Tag.SeriesInstanceUID), OrthancDicomWeb.value(series.get(0), "0020000E"));
            assertEquals(sent.getString(Tag.Modality), OrthancDicomWeb.value(series.get(0), "00080060"));
        }
        assertEquals(0, orthanc.qido(US, "/studies", Map.of("PatientID", "NO-SUCH-PATIENT")).size());
    }

    @Test
    void orthancRetrievesOurStudiesAsTheyWereStored() throws Exception {
        for (Path f : held) {
            DataSet sent = Instances.read(f).dataSet();
            String study = sent.getString(Tag.StudyInstanceUID);
            int count;
            try {
                count = orthanc.retrieve(US, study);
            } catch (OrthancDicomWeb.RequestFailed e) {
                // Orthanc's WADO-RS client does not log the status, only the Content-Type it could not read: ask us
                var direct = ours.get("/dicom-web/studies/" + study, "multipart/related; type=\"application/dicom\"");
                throw new AssertionError("Orthanc's WADO-RS retrieve of " + f.getFileName() + " failed; our server"
                        + " answers the same GET /dicom-web/studies/{uid} with HTTP " + direct.statusCode() + " "
                        + direct.headers().firstValue("Content-Type").orElse("") + " "
                        + new String(direct.body(), 0, Math.min(300, direct.body().length),
                        java.nio.charset.StandardCharsets.UTF_8) + "\n" + e.getMessage(), e);
            }
            assertEquals(1, count, "instances Orthanc received of " + f.getFileName());
            String id = orthanc.studyId(study);
            assertNotNull(id, "study of " + f.getFileName() + " in Orthanc");
            List<String> instances = orthanc.studyInstances(id);
            assertEquals(1, instances.size());
            Path received = orthanc.download(instances.get(0), dir.resolve(f.getFileName() + ".orthanc"));
            DataSetDiff.assertSameDataSet(Instances.normalizeLikeDcmtkStoring(sent),
                    Instances.normalizeLikeDcmtkStoring(Instances.read(received).dataSet()),
                    f.getFileName() + " retrieved by Orthanc");
        }
    }

    @Test
    void orthancStoresAStudyIntoUs() throws Exception {
        // a study none of ours: three synthetic CT images and a JPEG baseline image of pydicom's
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        List<Path> sent = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            sent.add(write(SyntheticInstances.ct("STOW-INTEROP", study, series, i, i), dir.resolve("ct" + i + ".dcm")));
        }
        sent.add(TestData.pydicomFile("SC_rgb_jpeg_dcmtk.dcm"));
        List<String> studies = new ArrayList<>();
        for (Path f : sent) {
            studies.add(orthanc.upload(f).parentStudy());
        }
        JsonNode answer = orthanc.stow(US, studies.stream().distinct().toArray(String[]::new));
        assertEquals(sent.size(), answer.path("InstancesCount").asInt(), answer.toString());

        Map<String, Path> stored = Instances.bySopInstanceUID(dir.resolve("ours").resolve("storage"));
        for (Path f : sent) {
            Instances.Instance a = Instances.read(f);
            Path ourFile = stored.get(a.sopInstanceUID());
            assertNotNull(ourFile, f.getFileName() + " stored by STOW-RS from Orthanc");
            Instances.Instance b = Instances.read(ourFile);
            assertEquals(a.transferSyntaxUID(), b.transferSyntaxUID(), f.getFileName() + ": transfer syntax kept");
            DataSetDiff.assertSameDataSet(Instances.normalizeLikeDcmtkStoring(a.dataSet()),
                    Instances.normalizeLikeDcmtkStoring(b.dataSet()), f.getFileName() + " stored by Orthanc's STOW-RS");
        }
        // and it is found: Orthanc's QIDO of what it stored
        JsonNode found = orthanc.qido(US, "/studies", Map.of("StudyInstanceUID", study));
        assertEquals(1, found.size(), found.toString());
        assertEquals(study, OrthancDicomWeb.value(found.get(0), "0020000D"));
        var direct = ours.get("/dicom-web/studies?StudyInstanceUID=" + study, "application/dicom+json");
        assertEquals(3, new com.fasterxml.jackson.databind.ObjectMapper().readTree(direct.body()).get(0)
                .path("00201208").path("Value").get(0).asInt(), "NumberOfStudyRelatedInstances (read directly: see above)");
        assertTrue(Files.size(stored.get(Instances.read(sent.get(0)).sopInstanceUID())) > 2048);
    }

    private static Path write(DataSet ds, Path file) throws Exception {
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
             DicomOutputStream dos = new DicomOutputStream(os)) {
            dos.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage,
                    ds.getString(Tag.SOPInstanceUID), UID.ExplicitVRLittleEndian, null));
            dos.writeDataSet(ds);
        }
        return file;
    }
}
