package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.gridpacs.http.auth.BasicAuthentication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A node's HTTP API as the command line calls it ({@code pacs dose-request}, {@code grid}, {@code export}): JSON
 * answers, the account's Authorization header on every request, and errors that say what to check.
 */
final class NodeApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI server;
    private final String authorization;
    // cookies kept: behind a cluster's HAProxy (cookie GPNODE) a job's polls reach the node that holds the job
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .cookieHandler(new java.net.CookieManager()).build();

    /** An answer: the status and the JSON body (an empty object when the body was not JSON). */
    record Answer(int status, JsonNode json, HttpResponse<String> response) {
        /** The API's reason for a refusal, or the status line. */
        String error() {
            String e = json.path("error").asText("");
            if (e.isEmpty() && !response.body().isBlank() && !response.body().trim().startsWith("{")) {
                e = response.body().trim().lines().findFirst().orElse(""); // e.g. the 401's reason, in plain text
            }
            return e.isEmpty() ? "HTTP " + status : e;
        }

        /** The account was refused: no valid login (401), or not an administrator (403). */
        boolean refused() {
            return status == 401 || status == 403;
        }
    }

    /** @param authorization the Authorization header's value, or null to send none */
    NodeApiClient(URI server, String authorization) {
        this.server = server;
        this.authorization = authorization;
    }

    URI server() {
        return server;
    }

    Answer get(String path) throws IOException {
        return get(server.resolve(path));
    }

    /** A GET of any node's address (a cluster member's, listed by /api/nodes). */
    Answer get(URI uri) throws IOException {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** A POST of {@code json} (null: an empty body) to {@code path} on the server. */
    Answer post(String path, String json) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(server.resolve(path));
        if (json == null) {
            r.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            r.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        }
        return send(r);
    }

    /** The one place to add what every call needs. */
    private Answer send(HttpRequest.Builder r) throws IOException {
        r.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpRequest request = r.build();
        Answer a = exchange(request);
        if (a.status() == 401 && authorization != null && a.response().body().contains(BasicAuthentication.NO_ACCOUNTS)) {
            // a loopback entry without accounts refuses credentials it cannot check, and needs none
            Answer anonymous = exchange(HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase("Authorization"))
                    .build());
            if (anonymous.status() != 401) {
                return anonymous;
            }
        }
        return a;
    }

    private Answer exchange(HttpRequest r) throws IOException {
        HttpResponse<String> resp;
        try {
            resp = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + r.uri().getAuthority() + " (is the node running, and is this"
                    + " its HTTP port?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body;
        try {
            body = resp.body().isBlank() ? null : JSON.readTree(resp.body());
        } catch (IOException e) {
            body = null;
        }
        return new Answer(resp.statusCode(), body == null ? JSON.createObjectNode() : body, resp);
    }

    /** What a refused account is told: which role the call needs and how to give a login. */
    static IOException needsAdmin(String path, int status) {
        return new IOException(path + " refused (HTTP " + status + "): it needs an account with the admin role"
                + " (--user, --password-file or PACS_HTTP_PASSWORD)");
    }
}
