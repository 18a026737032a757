package org.gridpacs.web;

import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.auth.Caller;
import org.gridpacs.web.ResourcePath.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DICOMweb on the node's user connector: routes {@value #ROUTE} (QIDO-RS, WADO-RS, STOW-RS) and
 * {@value #WADO_URI_ROUTE} (WADO-URI) to their resources. Checks the caller's role (GET needs READ, POST
 * UPLOAD) and turns a refusal into its status with the reason, as JSON {"error": reason} and in a Warning header
 * (PS3.18 8.6.3).
 */
public final class DicomWebHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(DicomWebHandler.class);
    public static final String ROOT = "/dicom-web";
    public static final String ROUTE = ROOT + "/*";
    public static final String WADO_URI = "/wado";
    public static final String WADO_URI_ROUTE = WADO_URI;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The resources of each kind of transaction. */
    public record Resources(DicomWebResource qido, DicomWebResource wado, DicomWebResource metadata,
                            DicomWebResource rendered, DicomWebResource stow, DicomWebResource wadoUri) {
    }

    private final Resources resources;

    public DicomWebHandler(Resources resources) {
        this.resources = resources;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        try {
            if (path.equals(WADO_URI)) {
                allow(method, "GET");
                if (method.equals("OPTIONS")) {
                    options(response, callback, "GET, OPTIONS");
                    return true;
                }
                DicomWebRequest r = new DicomWebRequest(request, response, callback, null, serviceRoot(request));
                r.require(Caller.Role.READ);
                resources.wadoUri().serve(r);
                return true;
            }
            if (!path.startsWith(ROOT + "/") && !path.equals(ROOT)) {
                throw HttpProblem.notFound("no DICOMweb resource at " + path);
            }
            ResourcePath rp = ResourcePath.parse(path.substring(ROOT.length()));
            boolean storable = rp.kind() == Kind.SEARCH_STUDIES || rp.kind() == Kind.INSTANCES && rp.series() == null;
            if (method.equals("OPTIONS")) {
                options(response, callback, storable ? "GET, POST, OPTIONS" : "GET, OPTIONS");
                return true;
            }
            allow(method, storable ? "GET, POST" : "GET");
            DicomWebRequest r = new DicomWebRequest(request, response, callback, rp, serviceRoot(request));
            if (method.equals("POST")) {
                r.require(Caller.Role.UPLOAD);
                resources.stow().serve(r);
            } else {
                r.require(Caller.Role.READ);
                switch (rp.kind()) {
                    case SEARCH_STUDIES, SEARCH_SERIES, SEARCH_INSTANCES -> resources.qido().serve(r);
                    case METADATA -> resources.metadata().serve(r);
                    case RENDERED, THUMBNAIL, FRAMES_RENDERED, FRAMES_THUMBNAIL -> resources.rendered().serve(r);
                    case INSTANCES, FRAMES, BULKDATA -> resources.wado().serve(r);
                }
            }
        } catch (HttpProblem e) {
            refuse(request, response, callback, e.status(), e.getMessage());
        } catch (Exception e) {
            LOG.warn("DICOMweb {} {} failed", method, path, e);
            refuse(request, response, callback, 500, "internal error: " + e);
        }
        return true;
    }

    private static void allow(String method, String allowed) throws HttpProblem {
        if (!method.equals("OPTIONS") && !(", " + allowed + ", ").contains(", " + method + ", ")) {
            throw new HttpProblem(405, method + " is not allowed here (allowed: " + allowed + ")");
        }
    }

    private static void options(Response response, Callback callback, String allowed) {
        response.setStatus(204);
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        callback.succeeded();
    }

    /** The service root as the client reached it; see {@link DicomWebRequest#serviceRoot()}. */
    static String serviceRoot(Request request) {
        String proto = request.getHeaders().get("X-Forwarded-Proto");
        String scheme = proto != null && (proto.equalsIgnoreCase("https") || proto.equalsIgnoreCase("http"))
                ? proto.toLowerCase(Locale.ROOT) : request.getHttpURI().getScheme();
        String authority = request.getHttpURI().getAuthority();
        if (authority == null || authority.isEmpty()) {
            authority = Request.getServerName(request) + ":" + Request.getServerPort(request);
        }
        return scheme + "://" + authority + ROOT;
    }

    /** Sends a refusal, or aborts the exchange when the answer had already started (nothing else can be said). */
    static void refuse(Request request, Response response, Callback callback, int status, String reason) {
        if (response.isCommitted()) {
            LOG.warn("DICOMweb {} {} failed after its answer started: {}", request.getMethod(),
                    request.getHttpURI().getPath(), reason);
            callback.failed(new java.io.IOException(reason));
            return;
        }
        try {
            response.reset();
        } catch (IllegalStateException ignored) {
            // nothing to reset
        }
        ObjectNode body = JSON.createObjectNode().put("error", reason);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // a header value is ASCII: the reason without line breaks, non-ASCII replaced
        String warning = reason.replaceAll("[\\r\\n\"\\\\]", " ").replaceAll("[^\\x20-\\x7e]", "?");
        response.getHeaders().put(HttpHeader.WARNING, "299 GridPACS \"" + warning + "\"");
        if (status == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"GridPACS\", charset=\"UTF-8\"");
        }
        if (request.getLength() != 0 && !"GET".equals(request.getMethod())) {
            // the request body may not have been read whole: the connection cannot carry another request
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        Content.Sink.write(response, true, body.toString() + "\n", callback);
    }
}
