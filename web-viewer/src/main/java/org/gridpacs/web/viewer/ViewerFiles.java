package org.gridpacs.web.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.http.content.HttpContent;
import org.eclipse.jetty.http.content.ResourceHttpContentFactory;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ResourceService;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The viewer folder's files, streamed by Jetty's {@link ResourceService} (Content-Type, ETag and Last-Modified,
 * conditional and range requests). A path that is no file is one of the app's own routes ("/viewer?...") and gets
 * {@code index.html}, except below the node's other endpoints ({@link ViewerHandler#NOT_VIEWER}) and for file names
 * (a missing script answered with HTML only hides the error) and hidden files: those are 404s. Hashed bundles are cached for a year,
 * everything else (index.html, app-config.js, unhashed CSS) is revalidated on every use. Every answer carries the
 * cross-origin isolation headers ({@link IsolationHeaders}).
 */
final class ViewerFiles extends Handler.Abstract {
    /** Webpack's content-hashed names ("app.bundle.0f6159c501addfe9.js", "0ddf166f7a343eda.wasm"): never change. */
    private static final Pattern HASHED = Pattern.compile("(^|.*[.])[0-9a-f]{16,}[.][a-z0-9]+$");
    /** A file's name ("app.js", "x.woff2"), not an app route nor a UID ("1.2.840.10008"): a missing one is a 404. */
    private static final Pattern FILE_NAME = Pattern.compile(".*[.][A-Za-z][A-Za-z0-9]{0,7}$");
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Revalidated on every use (ETag / Last-Modified make that a 304). */
    private static final String REVALIDATE = "no-cache";

    private final Path folder;
    private final HttpContent.Factory contents;
    private final ResourceService service = new ResourceService();

    ViewerFiles(Path folder) {
        this.folder = folder;
        this.contents = new ResourceHttpContentFactory(ResourceFactory.root().newResource(folder), new MimeTypes(),
                ByteBufferPool.SIZED_NON_POOLING);
        service.setHttpContentFactory(contents);
        service.setEtags(true);
        service.setAcceptRanges(true);
        service.setDirAllowed(false);
        addBean(service);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getHttpURI().getDecodedPath();
        IsolationHeaders.put(response);
        String refusal = ViewerHandler.unsafe(path);
        if (refusal != null) {
            PlainAnswer.send(response, callback, 400, refusal);
            return true;
        }
        if (ViewerHandler.belowOtherEndpoint(path)) {
            // whatever the method: the viewer does not answer for another endpoint's paths (/peer/ on the user port)
            PlainAnswer.send(response, callback, 404, "no resource at " + path);
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            PlainAnswer.send(response, callback, 405, method + " is not allowed on the viewer's files (GET, HEAD)");
            return true;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        HttpContent content = path.equals("/") || name.startsWith(".") ? null : file(path);
        if (content == null) {
            if (name.startsWith(".") || FILE_NAME.matcher(name).matches()) {
                PlainAnswer.send(response, callback, 404, "the viewer has no file " + path);
                return true;
            }
            content = contents.getContent("/index.html");
            name = "index.html";
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, HASHED.matcher(name).matches() ? IMMUTABLE : REVALIDATE);
        service.doGet(request, response, callback, content);
        return true;
    }

    /** The regular file at {@code path} inside the folder, or null. */
    private HttpContent file(String path) throws IOException {
        Path target = folder.resolve(path.substring(1)).normalize();
        if (!target.startsWith(folder) || !Files.isRegularFile(target)) {
            return null;
        }
        HttpContent content = contents.getContent(path);
        return content == null || content.getResource().isDirectory() ? null : content;
    }
}
