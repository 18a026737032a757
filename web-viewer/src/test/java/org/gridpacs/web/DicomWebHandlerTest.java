package org.gridpacs.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import org.gridpacs.http.auth.Caller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomWebHandlerTest {
    @TempDir
    Path dir;

    @Test
    void unknownPathIs404WithReasonAndWrongMethodIs405() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            var r = s.get("/dicom-web/patients", "application/dicom+json");
            assertEquals(404, r.statusCode());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("no DICOMweb resource"));
            assertTrue(r.headers().firstValue("Warning").orElse("").startsWith("299 "));
            var del = s.client().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.root() + "/studies"))
                    .DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(405, del.statusCode());
        }
    }

    @Test
    void aCallerWithoutTheReadRoleIsRefusedWith403() throws Exception {
        try (WebTestServer s = new WebTestServer(dir)) {
            s.as(new Caller("uploader", Set.of(Caller.Role.UPLOAD)));
            var r = s.get("/dicom-web/studies", "application/dicom+json");
            assertEquals(403, r.statusCode());
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("uploader"));
        }
    }

    @Test
    void resourcePaths() throws Exception {
        assertEquals(ResourcePath.Kind.SEARCH_STUDIES, ResourcePath.parse("/studies").kind());
        assertEquals(ResourcePath.Kind.SEARCH_SERIES, ResourcePath.parse("/series").kind());
        assertEquals(ResourcePath.Kind.SEARCH_INSTANCES, ResourcePath.parse("/studies/1.2/instances").kind());
        ResourcePath f = ResourcePath.parse("/studies/1/series/2/instances/3/frames/1,2/rendered");
        assertEquals(ResourcePath.Kind.FRAMES_RENDERED, f.kind());
        assertEquals("1,2", f.frames());
        assertEquals("3", f.instance());
        ResourcePath b = ResourcePath.parse("/studies/1/series/2/instances/3/bulkdata/00540016/0/00181072");
        assertEquals("00540016/0/00181072", b.bulkData());
        assertEquals(ResourcePath.Kind.METADATA, ResourcePath.parse("/studies/1/series/2/metadata").kind());
        assertEquals(404, org.junit.jupiter.api.Assertions.assertThrows(HttpProblem.class,
                () -> ResourcePath.parse("/studies/1/frames/1")).status());
    }
}
