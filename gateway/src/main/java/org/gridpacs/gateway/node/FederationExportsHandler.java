package org.gridpacs.gateway.node;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.federation.export.Export;
import org.gridpacs.federation.export.Exports;
import org.gridpacs.http.Answers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The exports to other sites (role admin), for {@code pacs export}: {@code POST /api/federation/exports} with
 * {"study", "to", "deidentify" (optional profile: none, basic, basic+full-dates, ...)} queues one (202, Location);
 * {@code GET /api/federation/exports} lists the latest 100, {@code GET /api/federation/exports/ID} shows one:
 * {"id", "study", "to", "profile", "origin", "state", "attempts", "nextTry", "lastError", "total", "sent",
 * "sentStudy", "queued", "updated"}. Refusals: 400 (bad UID or profile), 403 (not admin, or we may not send to the
 * site), 404 (unknown site or study), 503 (federation off on this node), each with {"error"} saying why.
 */
final class FederationExportsHandler extends Handler.Abstract {
    static final String ROUTE = "/api/federation/exports/*";
    static final String BASE = "/api/federation/exports";
    private static final Logger LOG = LoggerFactory.getLogger(FederationExportsHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;
    private final java.util.function.Supplier<Exports> current;

    /** {@code exports} gives null while federation is off on this node (the gateway starts after the HTTP service). */
    FederationExportsHandler(java.util.function.Supplier<Exports> exports) {
        this.current = exports;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            answer(request, response, callback);
        } catch (Exports.Refused e) {
            Answers.json(response, callback, e.httpStatus(), Answers.error(e.getMessage()));
        } catch (BadRequest e) {
            Answers.json(response, callback, e.status, Answers.error(e.getMessage()));
        } catch (Exception e) {
            LOG.warn("Export API failed on {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            Answers.json(response, callback, 500, Answers.error("internal error: " + e));
        }
        return true;
    }

    private void answer(Request request, Response response, Callback callback) throws Exception {
        if (Answers.refusedUnlessAdmin(request, response, callback, BASE)) {
            return;
        }
        Exports exports = current.get();
        if (exports == null) {
            Answers.json(response, callback, 503, Answers.error("federation is off on this node (conf/federation.properties:"
                    + " federation.enabled = false, or no such file)"));
            return;
        }
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (path.equals(BASE) || path.equals(BASE + "/")) {
            switch (method) {
                case "POST" -> {
                    JsonNode body = parse(request);
                    Export e = exports.request(text(body, "study"), text(body, "to"), text(body, "deidentify"));
                    response.getHeaders().put(HttpHeader.LOCATION, BASE + "/" + e.id());
                    Answers.json(response, callback, 202, json(e));
                }
                case "GET", "HEAD" -> {
                    ArrayNode list = JSON.createArrayNode();
                    for (Export e : exports.list(100)) {
                        list.add(json(e));
                    }
                    ObjectNode out = JSON.createObjectNode();
                    out.set("exports", list);
                    Answers.json(response, callback, 200, out);
                }
                default -> methodNotAllowed(response, callback, "GET, POST");
            }
            return;
        }
        String id = path.substring(BASE.length() + 1);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            methodNotAllowed(response, callback, "GET");
            return;
        }
        Optional<Export> e = id.matches("[0-9]{1,18}") ? exports.get(Long.parseLong(id)) : Optional.empty();
        if (e.isEmpty()) {
            Answers.json(response, callback, 404, Answers.error("no export " + id));
            return;
        }
        Answers.json(response, callback, 200, json(e.get()));
    }

    private static JsonNode parse(Request request) throws Exception {
        if (request.getLength() > MAX_BODY) {
            throw refused(400, "the request body is over 64 KB");
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw refused(400, "the body must be a JSON object {\"study\", \"to\", \"deidentify\"}");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw refused(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static BadRequest refused(int status, String message) {
        return new BadRequest(status, message);
    }

    /** A malformed request, answered as an Exports refusal is. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static ObjectNode json(Export e) {
        ObjectNode n = JSON.createObjectNode().put("id", e.id()).put("study", e.studyInstanceUID())
                .put("to", e.destination()).put("profile", e.profile()).put("origin", e.origin())
                .put("state", e.state().name()).put("attempts", e.attempts())
                .put("nextTry", e.nextTry() == null ? null : e.nextTry().toString())
                .put("lastError", e.lastError()).put("total", e.total()).put("sent", e.sent())
                .put("sentStudy", e.sentStudyUid()).put("queued", e.queued().toString())
                .put("updated", e.updated().toString());
        return n;
    }

    private static void methodNotAllowed(Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        Answers.json(response, callback, 405, Answers.error("method not allowed (" + allowed + ")"));
    }
}
