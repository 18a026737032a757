package org.gridpacs.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * GET /health: 200 and "UP ..." while the node serves DICOM, 503 and the reason otherwise. HAProxy polls it to
 * decide whether to send associations to this node.
 */
public final class HealthHandler extends Handler.Abstract.NonBlocking {
    /** The node's state: null while healthy, else why not. */
    private final Supplier<String> problem;
    private final String description;

    public HealthHandler(Supplier<String> problem, String description) {
        this.problem = problem;
        this.description = description;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String why = problem.get();
        response.setStatus(why == null ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String body = (why == null ? "UP " + description : "DOWN " + why) + "\n";
        Content.Sink.write(response, true, body, callback);
        return true;
    }
}
