package org.gridpacs.gateway.node;

import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.grid.Grid;
import org.gridpacs.http.auth.Caller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/grid} (role admin): this node's grid tier, for {@code pacs grid status}: {"enabled", "node",
 * "location", "endpoint", "keyId", "reachable", "error" (why not, naming the setting), "offsiteCopy", "backlog",
 * "oldestQueuedSeconds" (null when none is queued), "copied", "failures", "lastError"}. Reachability is checked
 * live (one S3 LIST), so the answer takes up to the endpoint's connect timeout.
 */
final class GridHandler extends Handler.Abstract {
    static final String ROUTE = "/api/grid";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Grid grid;
    private final String node;

    /** {@code grid}: null when the grid is off on this node. */
    GridHandler(Grid grid, String node) {
        this.grid = grid;
        this.node = node;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            send(response, callback, 405, error(method + " is not allowed on " + ROUTE + " (GET)"));
            return true;
        }
        Caller caller = Caller.of(request);
        if (caller == null || !caller.may(Caller.Role.ADMIN)) {
            send(response, callback, 403, error(ROUTE + " needs an account with the admin role"));
            return true;
        }
        ObjectNode body = JSON.createObjectNode().put("node", node).put("enabled", grid != null);
        if (grid != null) {
            Grid.Status s = grid.status();
            body.put("location", s.location()).put("endpoint", s.endpoint()).put("keyId", s.keyId())
                    .put("reachable", s.reachable()).put("error", s.error()).put("offsiteCopy", s.offsiteCopy())
                    .put("backlog", s.backlog())
                    .put("oldestQueuedSeconds", s.oldestQueued() == null ? null : s.oldestQueued().toSeconds())
                    .put("copied", s.copied()).put("failures", s.failures()).put("lastError", s.lastError());
        }
        send(response, callback, 200, body);
        return true;
    }

    private static ObjectNode error(String reason) {
        return JSON.createObjectNode().put("error", reason);
    }

    private static void send(Response response, Callback callback, int status, ObjectNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body.toString() + "\n", callback);
    }
}
