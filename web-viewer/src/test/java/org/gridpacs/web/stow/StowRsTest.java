package org.gridpacs.web.stow;

import static org.gridpacs.web.stow.StowBodies.json;
import static org.gridpacs.web.stow.StowBodies.multipart;
import static org.gridpacs.web.stow.StowBodies.part10;
import static org.gridpacs.web.stow.StowBodies.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.testutil.DataSetDiff;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.dicom.testutil.TestData;
import org.gridpacs.http.auth.Caller;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

class StowRsTest {
    private static final String QUOTED = "multipart/related; type=\"application/dicom\"; boundary=\"%s\"";

    @TempDir
    Path dir;

    private static String boundary() {
        return UUID.randomUUID().toString();
    }

    @Test
    void theValidPydicomFilesStoredInOneRequestAreIndexedAndReadBackElementByElement() throws Exception {
        // "valid": what the store takes from a C-STORE (tried on a scratch archive), one file per SOP Instance UID
        List<Path> valid = new ArrayList<>();
        try (WebTestServer scratch = new WebTestServer(dir.resolve("scratch"))) {
            for (Path f : TestData.pydicomCorpus()) {
                try {
                    if (scratch.storeFile(f).outcome() == org.gridpacs.archive.store.StoreResult.Outcome.STORED) {
                        valid.add(f);
                    }
                } catch (Exception refused) {
                    // not a Part 10 file the store takes (no meta group length, missing UIDs, ...)
                }
            }
        }
        assertTrue(valid.size() >= 30, "only " + valid.size() + " corpus files could be stored");
        String b = boundary();
        List<byte[]> parts = new ArrayList<>();
        for (Path f : valid) {
            parts.add(Files.readAllBytes(f));
        }
        try (WebTestServer s = new WebTestServer(dir.resolve("archive"))) {
            HttpResponse<String> r = post(s, "/dicom-web/studies", String.format(QUOTED, b), multipart(b, parts));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("application/dicom+json", r.headers().firstValue("Content-Type").orElse(""));
            JsonNode refs = json(r).path("00081199").path("Value");
            assertEquals(valid.size(), refs.size());
            assertTrue(json(r).path("00081198").isMissingNode(), "no failed part");
            assertEquals(valid.size(), instances(s));
            SqlInstanceIndex index = new SqlInstanceIndex(s.db);
            for (int k = 0; k < valid.size(); k++) {
                Path f = valid.get(k);
                DataSet sent = StowBodies.dataSet(f);
                String iuid = sent.getString(Tag.SOPInstanceUID);
                JsonNode ref = refs.get(k);
                assertEquals(iuid, ref.path("00081155").path("Value").get(0).asText());
                assertEquals(s.root() + "/studies/" + sent.getString(Tag.StudyInstanceUID) + "/series/"
                                + sent.getString(Tag.SeriesInstanceUID) + "/instances/" + iuid,
                        ref.path("00081190").path("Value").get(0).asText());
                IndexedInstance indexed = index.find(iuid).orElseThrow(() -> new AssertionError(iuid + " not indexed"));
                DataSet stored = StowBodies.dataSet(s.storage.root().resolve(indexed.locations().get(0).storageKey()));
                DataSetDiff.assertSameDataSet(sent, stored, f.getFileName().toString());
            }
        }
    }

    @Test
    void aFileWhoseMetaInformationNamesAnotherInstanceIsStoredUnderItsDataSetsOwnUIDs() throws Exception {
        Path rtdose = TestData.pydicomFile("rtdose.dcm"); // its (0002,0003) is not its (0008,0018)
        DataSet sent = StowBodies.dataSet(rtdose);
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            HttpResponse<String> r = post(s, "/dicom-web/studies/" + sent.getString(Tag.StudyInstanceUID),
                    String.format(QUOTED, b), multipart(b, List.of(Files.readAllBytes(rtdose))));
            assertEquals(200, r.statusCode(), r.body());
            String iuid = sent.getString(Tag.SOPInstanceUID);
            assertEquals(iuid, json(r).path("00081199").path("Value").get(0).path("00081155").path("Value").get(0).asText());
            IndexedInstance indexed = new SqlInstanceIndex(s.db).find(iuid).orElseThrow();
            DataSetDiff.assertSameDataSet(sent,
                    StowBodies.dataSet(s.storage.root().resolve(indexed.locations().get(0).storageKey())), "rtdose.dcm");
        }
    }

    @Test
    void contentTypeParametersQuotedOrNotInAnyOrderAndWithoutType() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            List<String> variants = List.of(String.format(QUOTED, b), // dicomweb-client's form
                    "multipart/related; type=application/dicom; boundary=" + b,
                    "Multipart/Related;boundary=" + b + ";type=\"application/dicom\"",
                    "multipart/related; boundary=\"" + b + "\"; type=\"application/dicom\"; start=\"<1>\"",
                    "multipart/related; boundary=" + b); // no type: the parts say application/dicom
            int n = 0;
            for (String ct : variants) {
                DataSet ds = SyntheticInstances.ct("P" + n++);
                HttpResponse<String> r = post(s, "/dicom-web/studies", ct, multipart(b, List.of(part10(ds))));
                assertEquals(200, r.statusCode(), ct + ": " + r.body());
                assertEquals(s.root() + "/studies/" + ds.getString(Tag.StudyInstanceUID),
                        json(r).path("00081190").path("Value").get(0).asText());
            }
            assertEquals(variants.size(), instances(s));
        }
    }

    @Test
    void aChunkedRequestIsStored() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            String study = Implementation.newUID();
            List<byte[]> parts = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                parts.add(part10(SyntheticInstances.ct("CH", study, Implementation.newUID(), k, k)));
            }
            byte[] body = multipart(b, parts);
            HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // an InputStream of unknown length: HttpClient sends it with Transfer-Encoding: chunked
            HttpResponse<String> r = http1.send(HttpRequest.newBuilder(URI.create(s.root() + "/studies/" + study))
                    .header("Content-Type", String.format(QUOTED, b))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(20, json(r).path("00081199").path("Value").size());
            assertEquals(20, instances(s));
        }
    }

    @Test
    void anInstanceOfAnotherStudyThanTheUrlsIsRefusedAndTheOthersStored() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            String study = Implementation.newUID();
            DataSet ours = SyntheticInstances.ct("S", study, Implementation.newUID(), 1, 1);
            DataSet other = SyntheticInstances.ct("S");
            HttpResponse<String> r = post(s, "/dicom-web/studies/" + study, String.format(QUOTED, b),
                    multipart(b, List.of(part10(ours), part10(other))));
            assertEquals(202, r.statusCode(), r.body());
            JsonNode failed = json(r).path("00081198").path("Value");
            assertEquals(1, failed.size());
            assertEquals(other.getString(Tag.SOPInstanceUID), failed.get(0).path("00081155").path("Value").get(0).asText());
            assertEquals(0xC409, failed.get(0).path("00081197").path("Value").get(0).asInt());
            assertTrue(r.headers().allValues("Warning").stream().anyMatch(w -> w.contains("is not the study")));
            assertEquals(s.root() + "/studies/" + study, json(r).path("00081190").path("Value").get(0).asText());
            assertEquals(Set.of(ours.getString(Tag.SOPInstanceUID)), sopInstances(s));
            // only instances of another study: none stored, a conflict
            HttpResponse<String> none = post(s, "/dicom-web/studies/" + study, String.format(QUOTED, b),
                    multipart(b, List.of(part10(SyntheticInstances.ct("T")))));
            assertEquals(409, none.statusCode(), none.body());
            assertEquals(1, instances(s));
            assertNoLeftovers(s, 1);
        }
    }

    @Test
    void duplicatesAreReportedAsTheStoreReportsThem() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            DataSet ds = SyntheticInstances.ct("D");
            assertEquals(200, post(s, "/dicom-web/studies", String.format(QUOTED, b), multipart(b, List.of(part10(ds)))).statusCode());
            // the same object again: already stored, a success
            HttpResponse<String> again = post(s, "/dicom-web/studies", String.format(QUOTED, b), multipart(b, List.of(part10(ds))));
            assertEquals(200, again.statusCode(), again.body());
            // a different object under the same SOP Instance UID: the store's duplicate policy (REJECT) refuses it
            DataSet changed = ds.copy();
            changed.setString(Tag.PatientName, org.gridpacs.dicom.data.VR.PN, "Changed^Name");
            HttpResponse<String> r = post(s, "/dicom-web/studies", String.format(QUOTED, b), multipart(b, List.of(part10(changed))));
            assertEquals(409, r.statusCode(), r.body());
            assertEquals(0x0111, json(r).path("00081198").path("Value").get(0).path("00081197").path("Value").get(0).asInt());
            assertEquals(1, instances(s));
            assertNoLeftovers(s, 1);
        }
    }

    @Test
    void unsupportedContentTypesAre415AndMissingBoundaryIs400() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            String b = boundary();
            byte[] body = multipart(b, List.of(part10(SyntheticInstances.ct("X"))));
            assertRefused(s, 415, "application/dicom", body, "is not supported");
            assertRefused(s, 415, null, body, "no Content-Type");
            assertRefused(s, 415, "multipart/related; type=\"application/dicom+json\"; boundary=" + b, body, "metadata");
            assertRefused(s, 415, "multipart/related; type=\"application/dicom+xml\"; boundary=" + b, body, "not supported");
            assertRefused(s, 400, "multipart/related; type=\"application/dicom\"", body, "no boundary");
            // a part that says it is something else
            assertRefused(s, 415, "multipart/related; boundary=" + b,
                    multipart(b, "Content-Type: application/pdf\r\n\r\n", List.of(new byte[] {1, 2})), "application/pdf");
            assertEquals(0, instances(s));
            // and the server goes on serving
            assertEquals(200, post(s, "/dicom-web/studies", String.format(QUOTED, b), body).statusCode());
        }
    }

    @Test
    void aCallerWithoutTheUploadRoleIsRefused() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            s.as(new Caller("reader", Set.of(Caller.Role.READ)));
            String b = boundary();
            HttpResponse<String> r = post(s, "/dicom-web/studies", String.format(QUOTED, b),
                    multipart(b, List.of(part10(SyntheticInstances.ct("R")))));
            assertEquals(403, r.statusCode());
            assertEquals(0, instances(s));
        }
    }

    private static void assertRefused(WebTestServer s, int status, String contentType, byte[] body, String reason)
            throws Exception {
        HttpResponse<String> r = post(s, "/dicom-web/studies", contentType, body);
        assertEquals(status, r.statusCode(), contentType + ": " + r.body());
        assertTrue(r.body().contains(reason), contentType + ": " + r.body());
        assertTrue(r.headers().firstValue("Warning").orElse("").startsWith("299 "));
    }

    /** Rows in the index's instance table. */
    static int instances(WebTestServer s) throws Exception {
        return s.db.read(c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM instance")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    static Set<String> sopInstances(WebTestServer s) throws Exception {
        return s.db.read(c -> {
            Set<String> uids = new HashSet<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT sop_uid FROM instance")) {
                while (rs.next()) {
                    uids.add(rs.getString(1));
                }
            }
            return uids;
        });
    }

    /** Exactly {@code objects} files in the storage, no partial file, and as many index rows. */
    static void assertNoLeftovers(WebTestServer s, int objects) throws Exception {
        List<Path> files = List.of();
        if (Files.exists(s.storage.root())) { // made with the first object
            try (Stream<Path> w = Files.walk(s.storage.root())) {
                files = w.filter(Files::isRegularFile).toList();
            }
        }
        assertFalse(files.stream().anyMatch(f -> f.getFileName().toString().endsWith(".part")), "partial files: " + files);
        assertEquals(objects, files.size(), "files in the storage: " + files);
        assertEquals(objects, instances(s));
    }
}
