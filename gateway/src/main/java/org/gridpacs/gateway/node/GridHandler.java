package org.gridpacs.gateway.node;

import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.grid.Grid;
import org.gridpacs.http.Answers;

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
            Answers.json(response, callback, 405, Answers.error(method + " is not allowed on " + ROUTE + " (GET)"));
            return true;
        }
        if (Answers.refusedUnlessAdmin(request, response, callback, ROUTE)) {
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
        Answers.json(response, callback, 200, body);
        return true;
    }
}
