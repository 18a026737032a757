package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.web.WebTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The viewer as a person uses it, in headless Chromium (Debian's, driven by puppeteer-core from npm through
 * src/test/browser/viewer-test.mjs): an archive with DICOMweb, the OHIF viewer and our page on one origin, holding a
 * CT study and a CT + RT Dose study; our page lists the nodes and links to the study list, which shows both studies
 * and filters them by MRN; the CT study opened from its row is drawn (grey levels that vary), and the dose, added as
 * a layer over its CT, is drawn in colour, red where it is highest. Screenshots, the DICOMweb requests OHIF sent and the browser's console
 * go to target/viewer-browser/.
 */
@ProcessTest
class ViewerBrowserTest {
    /** The steps of viewer-test.mjs, in order: every one must have passed. */
    private static final List<String> STEPS = List.of("admin-page", "app-config", "cross-origin-isolated",
            "viewer-links-to-admin", "qido-study-search-sent", "study-list-rows", "study-list-mrn-filter-box",
            "study-list-filter", "study-row-expanded", "viewer-opened", "ct-image-drawn", "ct-image-grey",
            "dose-study-ct-drawn", "dose-display-set", "dose-overlay-drawn", "dose-isodose-bands");
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();
    private static final Path BROWSER = MODULE.resolve("src/test/browser");
    private static final Path OUT = MODULE.resolve("target/viewer-browser");

    /**
     * A development aid, not for CI: the base URL of another DICOMweb server (e.g. Orthanc with its DICOMweb plugin,
     * {@code http://127.0.0.1:8042}) that answers the viewer's DICOMweb requests in place of ours (the test STOWs its
     * studies there too), to check the browser steps and record OHIF's whole request sequence before our own
     * DICOMweb resources are complete.
     */
    static final String ELSEWHERE = "VIEWER_TEST_DICOMWEB";

    @TempDir
    Path dir;

    @Test
    void studyListCtAndDoseOverlayInChromium() throws Exception {
        Path viewer = fetchViewer();
        npmCi();
        CtWithDose ctOnly = new CtWithDose("VIEWER^CT", "VCT1");
        CtWithDose withDose = new CtWithDose("VIEWER^DOSE", "VDOSE1");
        try (WebTestServer server = new WebTestServer(dir,
                Map.of(ViewerHandler.ROUTE, ViewerHandler.of(viewer), AdminPage.ROUTE, new AdminPage(),
                        NodesHandler.ROUTE, new NodesHandler(() -> List.of(new NodeState("node1", "127.0.0.1:11112",
                                "127.0.0.1:8080", "up", java.time.Instant.now(), true)))))) {
            for (DataSet ds : ctOnly.ct()) {
                server.store(ds);
            }
            for (DataSet ds : withDose.ct()) {
                server.store(ds);
            }
            server.store(withDose.dose());
            String elsewhere = System.getenv(ELSEWHERE);
            if (elsewhere != null) {
                StowTo.post(elsewhere + "/dicom-web/studies", ctOnly.ct(), withDose.ct(), List.of(withDose.dose()));
            }
            JsonNode result = drive(server.origin(), ctOnly.study, withDose.study,
                    ctOnly.patientId + "|" + withDose.patientId);
            check(result);
        }
    }

    /** The viewer folder, made (or found up to date) by scripts/fetch-viewer. */
    private static Path fetchViewer() throws Exception {
        Path script = ROOT.resolve("scripts/fetch-viewer");
        Path log = OUT.resolve("fetch-viewer.log");
        Files.createDirectories(OUT);
        int rc = run(List.of(script.toString()), ROOT, log, 15);
        assertEquals(0, rc, "scripts/fetch-viewer failed: " + Files.readString(log));
        Path folder = Path.of(new String(new ProcessBuilder(script.toString(), "--print").start().getInputStream()
                .readAllBytes()).trim());
        assertTrue(Files.isRegularFile(folder.resolve("index.html")), folder + " has no index.html");
        return folder;
    }

    /** puppeteer-core as locked in src/test/browser, installed unless it already is. */
    private static void npmCi() throws Exception {
        Path installed = BROWSER.resolve("node_modules/puppeteer-core/package.json");
        String pinned = Files.readString(BROWSER.resolve("package.json"))
                .replaceAll("(?s).*\"puppeteer-core\": *\"([^\"]+)\".*", "$1");
        if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"" + pinned + "\"")) {
            return;
        }
        Path log = OUT.resolve("npm-ci.log");
        int rc = run(List.of("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"), BROWSER, log, 10);
        assertEquals(0, rc, "npm ci in " + BROWSER + " failed (is the npm registry reachable?): "
                + Files.readString(log));
    }

    private static JsonNode drive(String origin, String ctStudy, String doseStudy, String patients) throws Exception {
        Files.createDirectories(OUT);
        Files.deleteIfExists(OUT.resolve("result.json"));
        Path log = OUT.resolve("viewer-test.log");
        int rc = run(List.of("node", "viewer-test.mjs", origin, OUT.toString(), ctStudy, doseStudy, patients),
                BROWSER, log, 8);
        Path result = OUT.resolve("result.json");
        if (!Files.exists(result)) {
            fail("viewer-test.mjs wrote no result (exit " + rc + "): " + Files.readString(log));
        }
        return new ObjectMapper().readTree(result.toFile());
    }

    /** Every step passed, in order; otherwise the first that did not, with what it saw and what OHIF asked. */
    private static void check(JsonNode result) throws Exception {
        List<String> passed = new ArrayList<>();
        for (JsonNode s : result.get("steps")) {
            if (!s.get("ok").asBoolean()) {
                fail("browser step '" + s.get("name").asText() + "' failed after " + passed + ": " + s.get("detail")
                        + "\nDICOMweb requests OHIF sent (" + OUT.resolve("requests.jsonl") + "):\n"
                        + head(OUT.resolve("requests.jsonl"), 20) + "\nscreenshots in " + OUT);
            }
            passed.add(s.get("name").asText());
        }
        assertEquals(STEPS, passed, "steps run (error: " + result.path("error").asText("none") + ")");
    }

    private static String head(Path file, int lines) throws Exception {
        return Files.exists(file) ? String.join("\n", Files.readAllLines(file).stream().limit(lines).toList()) : "";
    }

    private static int run(List<String> command, Path workDir, Path log, int minutes) throws Exception {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not end within " + minutes + " minutes; see " + log);
        }
        return p.exitValue();
    }
}
