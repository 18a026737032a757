package org.gridpacs.web.viewer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Our own small page at {@value #ROOT}/ (plain HTML and JavaScript from this jar's resources): the cluster's nodes
 * ({@code GET /api/nodes}) and the dose jobs ({@code /dose/jobs}: list, progress, submit one for a study), with links
 * to OHIF's study list and back. Its three files are a few kB, held in memory.
 */
public final class AdminPage extends Handler.Abstract {
    public static final String ROOT = "/admin";
    public static final String ROUTE = ROOT + "/*";
    private static final String RESOURCES = "/org/gridpacs/web/viewer/admin/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "admin.js", "text/javascript; charset=utf-8",
            "admin.css", "text/css; charset=utf-8");
    private final Map<String, byte[]> bodies;

    public AdminPage() {
        bodies = Map.of("index.html", load("index.html"), "admin.js", load("admin.js"), "admin.css", load("admin.css"));
    }

    private static byte[] load(String name) {
        try (InputStream in = AdminPage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCES + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        IsolationHeaders.put(response);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            PlainAnswer.send(response, callback, 405, method + " is not allowed on " + path + " (GET, HEAD)");
            return true;
        }
        if (path.equals(ROOT)) {
            response.getHeaders().put(HttpHeader.LOCATION, ROOT + "/");
            PlainAnswer.send(response, callback, 301, "see " + ROOT + "/");
            return true;
        }
        String name = path.equals(ROOT + "/") ? "index.html" : path.substring(ROOT.length() + 1);
        byte[] body = bodies.get(name);
        if (body == null) {
            PlainAnswer.send(response, callback, 404, "no resource at " + path);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, FILES.get(name));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), callback);
        return true;
    }
}
