package org.gridpacs.web.wado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WADO-RS Retrieve Study / Series / Instance against a real archive. */
class WadoRsInstancesTest {
    static final String EVRLE = "1.2.840.10008.1.2.1";
    @TempDir
    Path dir;

    static Path file(String name) throws Exception {
        return TestData.pydicomFile(name);
    }

    static String instanceUrl(DataSet ds) {
        return "/dicom-web/studies/" + ds.getString(Tag.StudyInstanceUID) + "/series/"
                + ds.getString(Tag.SeriesInstanceUID) + "/instances/" + ds.getString(Tag.SOPInstanceUID);
    }

    static List<Files10> parts(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        String ct = r.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(ct.startsWith("multipart/related; type=\"application/dicom\"; boundary="), ct);
        List<Files10> out = new ArrayList<>();
        for (Multipart.Part p : Multipart.parse(ct, r.body())) {
            Files10 f = Files10.read(p.body());
            assertEquals("application/dicom; transfer-syntax=" + f.transferSyntax(), p.contentType());
            out.add(f);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "multipart/related; type=\"application/dicom\"; transfer-syntax=*",
        "multipart/related; type=application/dicom; transfer-syntax=\"*\"",
        "multipart/related; transfer-syntax=*; type=\"application/dicom\"",
        "application/json;q=0.5, multipart/related; type=application/dicom; transfer-syntax=*;q=0.9",
    })
    void asStoredWithTransferSyntaxStarIsTheStoredFileElementByElement(String accept) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            for (String name : List.of("MR_small_RLE.dcm", "rtdose.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm")) {
                Files10 stored = Files10.store(s, name);
                List<Files10> got = parts(s.get(instanceUrl(stored.dataSet()), accept));
                assertEquals(1, got.size());
                assertEquals(stored.transferSyntax(), got.get(0).transferSyntax(), name);
                DataSetDiff.assertSameDataSet(stored.dataSet(), got.get(0).dataSet(), name);
                assertEquals(stored.dataSet().getString(Tag.SOPInstanceUID),
                        got.get(0).meta().getString(Tag.MediaStorageSOPInstanceUID));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MR_small_bigendian.dcm", "rtdose.dcm", "rtdose_expb.dcm", "CT_small.dcm", "image_dfl.dcm"})
    void withoutTransferSyntaxNativeDataComesExplicitVrLittleEndian(String name) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 stored = Files10.store(s, name);
            for (String accept : new String[] {"multipart/related; type=\"application/dicom\"",
                    "multipart/related; type=application/dicom", "*/*", null}) {
                List<Files10> got = parts(s.get(instanceUrl(stored.dataSet()), accept));
                assertEquals(EVRLE, got.get(0).transferSyntax(), accept);
                DataSetDiff.assertSameDataSet(stored.dataSet(), got.get(0).dataSet(), name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MR_small_RLE.dcm", "rtdose_rle.dcm", "SC_rgb_rle_2frame.dcm"})
    void compressedDataTheToolkitDecodesComesDecodedInExplicitVrLittleEndian(String name) throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 stored = Files10.store(s, name);
            Files10 got = parts(s.get(instanceUrl(stored.dataSet()), "multipart/related; type=\"application/dicom\"")).get(0);
            assertEquals(EVRLE, got.transferSyntax());
            int frames = stored.dataSet().getInt(Tag.NumberOfFrames, 1);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int k = 0; k < frames; k++) {
                all.writeBytes(stored.frame(k));
            }
            assertArrayEquals(all.toByteArray(), got.dataSet().getBytes(Tag.PixelData));
            DataSet expected = stored.dataSet().copy();
            DataSet actual = got.dataSet().copy();
            expected.remove(Tag.PixelData);
            actual.remove(Tag.PixelData);
            DataSetDiff.assertSameDataSet(expected, actual, name);
        }
    }

    @Test
    void anAcceptThatCannotBeMetIs406WithAReason() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            Files10 dose = Files10.store(s, "rtdose.dcm");
            Files10 j2k = Files10.store(s, "JPEG2000.dcm");
            for (String accept : List.of("multipart/related; type=\"image/jpeg\"",
                    "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50",
                    "application/dicom+json")) {
                var r = s.get(instanceUrl(dose.dataSet()), accept);
                assertEquals(406, r.statusCode(), accept);
                assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("error"), accept);
            }
            var r = s.get(instanceUrl(j2k.dataSet()), "multipart/related; type=\"application/dicom\"");
            assertEquals(406, r.statusCode());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("JPEG 2000"),
                    new String(r.body(), StandardCharsets.UTF_8));
            // as stored it goes
            assertEquals("1.2.840.10008.1.2.4.91", parts(s.get(instanceUrl(j2k.dataSet()),
                    "multipart/related; type=\"application/dicom\"; transfer-syntax=*")).get(0).transferSyntax());
        }
    }

    @Test
    void aStudyWithSomeInstancesThatCannotBeSentIs206WithAWarning() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String study = Implementation.newUID();
            DataSet native1 = SyntheticInstances.ct("P1", study, Implementation.newUID(), 1, 1);
            s.store(native1);
            DataSet j2k = Files10.read(file("JPEG2000.dcm")).dataSet();
            j2k.setString(Tag.StudyInstanceUID, VR.UI, study);
            s.store.store(StoreRequest.of(j2k, "1.2.840.10008.1.2.4.91", "MODALITY"), j2k);
            var r = s.get("/dicom-web/studies/" + study, "multipart/related; type=\"application/dicom\"");
            assertEquals(206, r.statusCode());
            assertTrue(r.headers().firstValue("Warning").orElse("").contains("1 of 2 instances left out"));
            String ct = r.headers().firstValue("Content-Type").orElseThrow();
            List<Multipart.Part> p = Multipart.parse(ct, r.body());
            assertEquals(1, p.size());
            assertEquals(native1.getString(Tag.SOPInstanceUID),
                    Files10.read(p.get(0).body()).dataSet().getString(Tag.SOPInstanceUID));
        }
    }

    @Test
    void unknownStudySeriesOrInstanceIs404WithAReason() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ct = SyntheticInstances.ct("P1");
            s.store(ct);
            String st = ct.getString(Tag.StudyInstanceUID);
            String se = ct.getString(Tag.SeriesInstanceUID);
            for (String path : List.of("/dicom-web/studies/1.2.3", "/dicom-web/studies/" + st + "/series/1.2.3",
                    "/dicom-web/studies/1.2.3/series/" + se,
                    "/dicom-web/studies/" + st + "/series/" + se + "/instances/1.2.3")) {
                var r = s.get(path, "multipart/related; type=\"application/dicom\"");
                assertEquals(404, r.statusCode(), path);
                assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("is not in the archive"), path);
            }
        }
    }

    @Test
    void aSingleInstanceMayComeAsABareApplicationDicom() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            DataSet ct = SyntheticInstances.ct("P1");
            s.store(ct);
            var r = s.get(instanceUrl(ct), "application/dicom");
            assertEquals(200, r.statusCode());
            assertEquals("application/dicom; transfer-syntax=" + EVRLE, r.headers().firstValue("Content-Type").orElseThrow());
            DataSetDiff.assertSameDataSet(Files10.roundTrip(ct), Files10.read(r.body()).dataSet(), "bare");
            var study = s.get("/dicom-web/studies/" + ct.getString(Tag.StudyInstanceUID), "application/dicom");
            assertEquals(200, study.statusCode()); // one instance in the study
        }
    }

    @Test
    void aHundredInstanceSeriesIsStreamedInOrder() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String study = Implementation.newUID();
            String series = Implementation.newUID();
            Set<String> sent = new HashSet<>();
            for (int k = 1; k <= 100; k++) {
                DataSet ds = SyntheticInstances.ct("P100", study, series, k, k);
                s.store(ds);
                sent.add(ds.getString(Tag.SOPInstanceUID));
            }
            List<Files10> got = parts(s.get("/dicom-web/studies/" + study + "/series/" + series,
                    "multipart/related; type=\"application/dicom\""));
            assertEquals(100, got.size());
            Set<String> received = new HashSet<>();
            for (int k = 0; k < got.size(); k++) {
                assertEquals(k + 1, got.get(k).dataSet().getInt(Tag.InstanceNumber, 0));
                received.add(got.get(k).dataSet().getString(Tag.SOPInstanceUID));
            }
            assertEquals(sent, received);
        }
    }
}
