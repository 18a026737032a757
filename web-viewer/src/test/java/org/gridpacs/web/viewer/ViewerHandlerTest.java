package org.gridpacs.web.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.NodeHttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The viewer's files on a real {@link NodeHttpServer}, beside stand-ins for the node's other routes. */
class ViewerHandlerTest {
    private static final String INDEX = "<!doctype html><title>viewer</title>";
    private static final String BUNDLE = "app.bundle.0f6159c501addfe9.js";
    @TempDir
    Path dir;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void viewerFolder() throws Exception {
        Files.writeString(dir.resolve("index.html"), INDEX);
        Files.writeString(dir.resolve(BUNDLE), "console.log('app');");
        Files.writeString(dir.resolve("app-config.js"), "window.config = {};");
        Files.writeString(dir.resolve("app.bundle.css"), "body{}");
        Files.write(dir.resolve("0ddf166f7a343eda.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("assets/logo.svg"), "<svg/>");
        Files.writeString(dir.resolve(".gridpacs-viewer"), "@ohif/app@x");
        Files.writeString(dir.getParent().resolve("secret.txt"), "outside the folder");
    }

    /** A route that answers with its name, standing in for DICOMweb, WADO-URI and health. */
    private static Handler named(String name) {
        return new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(299);
                Content.Sink.write(response, true, name, callback);
                return true;
            }
        };
    }

    private NodeHttpServer server(String viewerSpec) throws Exception {
        return new NodeHttpServer("127.0.0.1", 0)
                .publicRoute(viewerSpec, ViewerHandler.of(dir))
                .publicRoute("/dicom-web/*", named("dicom-web"))
                .publicRoute("/wado", named("wado"))
                .publicRoute("/health", named("health"))
                .publicRoute(AdminPage.ROUTE, new AdminPage())
                .start();
    }

    private HttpResponse<String> get(NodeHttpServer s, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** "/" is Jetty's default mapping and "/*" the shortest prefix: both leave /dicom-web/*, /wado and /health be. */
    @ParameterizedTest
    @ValueSource(strings = {"/", "/*"})
    void theOtherRoutesWinOverTheViewerWhicheverSpecItIsMountedOn(String spec) throws Exception {
        try (NodeHttpServer s = server(spec)) {
            assertEquals("dicom-web", get(s, "/dicom-web/studies?limit=1").body());
            assertEquals("dicom-web", get(s, "/dicom-web").body());
            assertEquals("wado", get(s, "/wado?requestType=WADO").body());
            assertEquals("health", get(s, "/health").body());
            assertEquals(INDEX, get(s, "/").body());
            assertTrue(get(s, "/admin/").body().contains("href=\"/\""), "our page links to the study list");
        }
    }

    @Test
    void filesHaveTheirTypeCachingAndIsolationHeaders() throws Exception {
        try (NodeHttpServer s = server(ViewerHandler.ROUTE)) {
            var index = get(s, "/");
            assertEquals(200, index.statusCode());
            assertEquals(INDEX, index.body());
            assertTrue(index.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertEquals("no-cache", index.headers().firstValue("Cache-Control").orElse(""));
            assertEquals("same-origin", index.headers().firstValue("Cross-Origin-Opener-Policy").orElse(""));
            assertEquals("require-corp", index.headers().firstValue("Cross-Origin-Embedder-Policy").orElse(""));

            var bundle = get(s, "/" + BUNDLE);
            assertEquals("console.log('app');", bundle.body());
            assertTrue(bundle.headers().firstValue("Content-Type").orElse("").startsWith("text/javascript"));
            assertEquals("public, max-age=31536000, immutable", bundle.headers().firstValue("Cache-Control").orElse(""));
            assertEquals("require-corp", bundle.headers().firstValue("Cross-Origin-Embedder-Policy").orElse(""));

            var config = get(s, "/app-config.js");
            assertEquals("no-cache", config.headers().firstValue("Cache-Control").orElse(""));
            assertEquals("no-cache", get(s, "/app.bundle.css").headers().firstValue("Cache-Control").orElse(""));
            assertTrue(get(s, "/app.bundle.css").headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
            assertEquals("application/wasm",
                    get(s, "/0ddf166f7a343eda.wasm").headers().firstValue("Content-Type").orElse(""));
            assertTrue(get(s, "/assets/logo.svg").headers().firstValue("Content-Type").orElse("")
                    .startsWith("image/svg+xml"));

            // revalidation is a 304
            String etag = config.headers().firstValue("ETag").orElseThrow();
            assertEquals(304, get(s, "/app-config.js", "If-None-Match", etag).statusCode());
            // ranges
            var range = get(s, "/" + BUNDLE, "Range", "bytes=0-6");
            assertEquals(206, range.statusCode());
            assertEquals("console", range.body());
        }
    }

    @Test
    void appRoutesGetIndexHtmlButMissingFilesAndOtherEndpointsAre404() throws Exception {
        try (NodeHttpServer s = server(ViewerHandler.ROUTE)) {
            for (String route : new String[] {"/viewer?StudyInstanceUIDs=1.2.3", "/viewer/dicomweb", "/tmtv",
                    "/viewer/1.2.840.10008.1"}) {
                var r = get(s, route);
                assertEquals(200, r.statusCode(), route);
                assertEquals(INDEX, r.body(), route);
                assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElse(""), route);
            }
            for (String path : new String[] {"/missing.bundle.js", "/assets/missing.png", "/.gridpacs-viewer",
                    "/dose/jobs", "/api/other", "/peer/replication", "/dicom-webx/../x.js"}) {
                var r = get(s, path);
                assertEquals(404, r.statusCode(), path + ": " + r.body());
                assertFalse(r.body().contains("<title>viewer"), path);
            }
            var post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
            var put = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/peer/instances"))
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, put.statusCode(), "another endpoint's path, whatever the method: " + put.body());
        }
    }

    @Test
    void pathTraversalIsRefused() throws Exception {
        try (NodeHttpServer s = server(ViewerHandler.ROUTE)) {
            for (String path : new String[] {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                    "/assets/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%5c..%5csecret.txt"}) {
                String answer = raw(s.port(), path);
                int status = Integer.parseInt(answer.substring(9, 12));
                assertTrue(status == 400 || status == 404, path + " answered " + answer.lines().findFirst().orElse(""));
                assertFalse(answer.contains("outside the folder"), path);
            }
        }
        assertTrue(ViewerHandler.unsafe("/a/../b").contains("traversal"));
        assertTrue(ViewerHandler.unsafe("/a\\b") != null);
        assertEquals(null, ViewerHandler.unsafe("/a/b.js"));
    }

    /** Sends the path as it is (HTTP clients normalize dot segments before sending). */
    private static String raw(int port, String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aMissingFolderIsNamedAndLeavesTheNodeWithoutViewer() {
        Path missing = dir.resolve("nope");
        var e = assertThrows(IllegalArgumentException.class, () -> ViewerHandler.of(missing));
        assertTrue(e.getMessage().contains("scripts/fetch-viewer"), e.getMessage());
        assertTrue(ViewerHandler.ifInstalled(missing).isEmpty());
        assertTrue(ViewerHandler.ifInstalled(dir).isPresent());
    }

    /** The constant the node's default folder is made from follows the pinned npm version. */
    @Test
    void theVersionIsTheOnePinnedForNpm() throws Exception {
        for (String file : new String[] {"ohif/package.json", "ohif/package-lock.json"}) {
            Matcher m = Pattern.compile("\"@ohif/app\": *\"([^\"]+)\"").matcher(Files.readString(Path.of(file)));
            assertTrue(m.find(), file);
            assertEquals(ViewerHandler.OHIF_VERSION, m.group(1), file);
        }
        assertEquals(Path.of("/h/var/viewer/ohif-" + ViewerHandler.OHIF_VERSION),
                ViewerHandler.defaultFolder(Path.of("/h")));
    }
}
