package org.gridpacs.web.viewer;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.Answers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /api/nodes}: the cluster's nodes and their state, from a supplier the node wiring gives (membership,
 * health), as {"nodes": [{"name", "dicom", "http", "state", "lastSeen" (ISO-8601 or null), "self",
 * "conflicts" (open duplicate SOP Instance UID conflicts; the answering node's own, null for the others)}]}, for our
 * page and {@code scripts/cluster status}.
 */
public final class NodesHandler extends Handler.Abstract {
    public static final String ROUTE = "/api/nodes";
    private static final Logger LOG = LoggerFactory.getLogger(NodesHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<List<NodeState>> nodes;

    public NodesHandler(Supplier<List<NodeState>> nodes) {
        this.nodes = nodes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Answers.json(response, callback, 405, Answers.error(method + " is not allowed on " + ROUTE + " (GET)"));
            return true;
        }
        ObjectNode body;
        int status = 200;
        try {
            body = JSON.createObjectNode();
            ArrayNode list = body.putArray("nodes");
            for (NodeState n : nodes.get()) {
                list.addObject().put("name", n.name()).put("dicom", n.dicom()).put("http", n.http())
                        .put("state", n.state()).put("lastSeen", n.lastSeen() == null ? null : n.lastSeen().toString())
                        .put("self", n.self()).put("conflicts", n.conflicts());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not list the cluster's nodes", e);
            status = 500;
            body = Answers.error("could not list the cluster's nodes: " + e);
        }
        Answers.json(response, callback, status, body);
        return true;
    }
}
