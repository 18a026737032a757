package org.gridpacs.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.auth.Caller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answers of the nodes' small HTTP APIs (administration and peer requests): JSON or a line of text, never
 * cached (they describe live state), and the one refusal for callers without the admin role.
 */
public final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /** {"error": reason}: a refusal's or failure's body, as the command line reads it. */
    public static ObjectNode error(String reason) {
        return JSON.createObjectNode().put("error", reason);
    }

    public static void json(Response response, Callback callback, int status, JsonNode body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body.toString() + "\n", callback);
    }

    /** A line of text, or no body when {@code text} is null (204). */
    public static void text(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (text == null) {
            callback.succeeded();
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, text + "\n", callback);
    }

    /**
     * False when the caller has the admin role; otherwise answers 403 with a JSON reason naming {@code what} and
     * returns true (the handler is done).
     */
    public static boolean refusedUnlessAdmin(Request request, Response response, Callback callback, String what) {
        Caller caller = Caller.of(request);
        if (caller != null && caller.may(Caller.Role.ADMIN)) {
            return false;
        }
        json(response, callback, 403, error(what + " needs an account with the admin role ("
                + (caller == null ? "no login" : "user '" + caller.name() + "' has not") + ")"));
        return true;
    }
}
