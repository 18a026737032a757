package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dose job API of a node, as the command line calls it. Every request is made by {@link #request}, with the
 * account's Authorization header.
 */
final class DoseApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI server;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

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
    }

    DoseApiClient(URI server, String authorization) {
        this.server = server;
        this.authorization = authorization;
    }

    /** A request to {@code path} on the server; the one place to add headers every call needs. */
    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").header("Authorization", authorization);
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build());
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    private Answer send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> resp;
        try {
            resp = http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + server + " (is the node running, and is this its HTTP port?)",
                    e);
        }
        JsonNode body;
        try {
            body = resp.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        return new Answer(resp.statusCode(), body, resp);
    }
}
