package org.gridpacs.web.viewer;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.Answers;
import org.gridpacs.http.auth.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The duplicate SOP Instance UID conflicts this node recorded (docs/cluster.md, "Partitions and conflicts"), for
 * an administrator (role admin):
 * <pre>
 * GET  /api/conflicts[?all=true]      {"conflicts": [...]}: the open ones, or all
 * POST /api/conflicts/{id}/close      the administrator has dealt with the kept-aside object: no longer counted
 * </pre>
 */
public final class ConflictsHandler extends Handler.Abstract {
    public static final String ROUTE = "/api/conflicts/*";
    private static final Logger LOG = LoggerFactory.getLogger(ConflictsHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The node's conflict records, as JSON-ready maps (the node wiring adapts replication's). */
    public interface Records {
        List<Map<String, Object>> list(boolean openOnly) throws Exception;

        /** False when there is no such open conflict. */
        boolean close(long id) throws Exception;
    }

    private final Records records;

    public ConflictsHandler(Records records) {
        this.records = records;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (Answers.refusedUnlessAdmin(request, response, callback, "/api/conflicts")) {
            return true;
        }
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getHttpURI().getPath();
        try {
            if ((method.equals("GET") || method.equals("HEAD")) && path.equals("/api/conflicts")) {
                boolean all = "true".equals(Request.extractQueryParameters(request).getValue("all"));
                ObjectNode body = JSON.createObjectNode();
                body.set("conflicts", JSON.valueToTree(records.list(!all)));
                Answers.json(response, callback, 200, body);
            } else if (method.equals("POST") && path.matches("/api/conflicts/\\d+/close")) {
                long id = Long.parseLong(path.split("/")[3]);
                if (records.close(id)) {
                    LOG.info("Conflict {} closed by {}", id, Caller.of(request).name());
                    Answers.json(response, callback, 200, JSON.createObjectNode().put("closed", id));
                } else {
                    Answers.json(response, callback, 404, Answers.error("no open conflict " + id));
                }
            } else {
                Answers.json(response, callback, 404, Answers.error("no such operation: " + method + " " + path
                        + " (GET /api/conflicts, POST /api/conflicts/{id}/close)"));
            }
        } catch (Exception e) {
            LOG.warn("Could not read the conflict records", e);
            Answers.json(response, callback, 500, Answers.error("could not read the conflict records: " + e));
        }
        return true;
    }
}
