package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pacs grid status}: each node's grid tier, from {@code GET /api/grid} of every node {@code GET /api/nodes}
 * of the server lists (the node answering alone when it runs alone). Later: migrate, restore, verify.
 */
@Command(name = "grid", mixinStandardHelpOptions = true,
        description = {"The grid tier (conf/grid.properties): status shows, per node, whether the grid answers, the "
                + "off-site copy backlog and its oldest entry's age, copies made and failures."},
        footer = {"", "Examples:", "  pacs grid status", "  pacs grid status --server http://pacs2:8080"})
final class GridCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "COMMAND", description = "status")
    String command;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "A node's HTTP address (default: ${DEFAULT-VALUE}, the HTTP entry of scripts/run).")
    URI server;

    @Mixin
    HttpAccountOptions account = new HttpAccountOptions();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String authorization;

    @Override
    public Integer call() throws Exception {
        if (!"status".equals(command)) {
            throw new UsageException("unknown grid command '" + command + "' (status)");
        }
        try {
            authorization = account.authorization();
        } catch (UsageException e) {
            authorization = null; // a loopback entry needs no login; a refusal below says what is missing
        }
        Map<String, URI> nodes = nodes();
        List<String[]> rows = new ArrayList<>();
        boolean allWell = true;
        for (Map.Entry<String, URI> n : nodes.entrySet()) {
            String[] row;
            try {
                JsonNode g = get(n.getValue().resolve("/api/grid"));
                if (!g.path("enabled").asBoolean()) {
                    row = new String[] {n.getKey(), "off", "-", "-", "-", "-", "grid.enabled = false (or no"
                            + " conf/grid.properties)"};
                } else {
                    boolean ok = g.path("reachable").asBoolean();
                    allWell &= ok;
                    String problem = ok ? text(g.path("lastError")) : text(g.path("error"));
                    row = new String[] {n.getKey(), ok ? "reachable" : "UNREACHABLE", g.path("backlog").asText(),
                            age(g.path("oldestQueuedSeconds")), g.path("copied").asText(), g.path("failures").asText(),
                            problem.isEmpty() ? "" : (ok ? "last error: " : "") + problem};
                }
            } catch (IOException e) {
                allWell = false;
                row = new String[] {n.getKey(), "?", "-", "-", "-", "-", e.getMessage()};
            }
            rows.add(row);
        }
        print(System.out, rows);
        return allWell ? 0 : 1;
    }

    /** The nodes by name and HTTP address: those /api/nodes lists, else the server alone. */
    private Map<String, URI> nodes() {
        Map<String, URI> out = new LinkedHashMap<>();
        try {
            JsonNode listed = get(server.resolve("/api/nodes")).path("nodes");
            for (JsonNode n : listed) {
                // a node alone answers at the server; a member at its own address (the server may be HAProxy, which
                // would hand each request to any node)
                URI address = listed.size() == 1 ? server
                        : URI.create(server.getScheme() + "://" + n.path("http").asText());
                out.put(n.path("name").asText(), address);
            }
        } catch (IOException | IllegalArgumentException e) {
            out.clear();
        }
        if (out.isEmpty()) {
            out.put(server.getAuthority(), server);
        }
        return out;
    }

    private JsonNode get(URI uri) throws IOException {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET();
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + uri.getAuthority() + " (is the node running, and is this its"
                    + " HTTP port?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(resp.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (resp.statusCode() == 401 && authorization != null) {
            // a loopback entry without accounts refuses credentials it cannot check; it needs none
            String sent = authorization;
            authorization = null;
            try {
                return get(uri);
            } catch (IOException e) {
                authorization = sent;
                throw e;
            }
        }
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw new IOException(uri.getPath() + " refused (HTTP " + resp.statusCode() + "): it needs an account with"
                    + " the admin role (--user, --password-file or PACS_HTTP_PASSWORD)");
        }
        if (resp.statusCode() != 200) {
            String e = body.path("error").asText("");
            throw new IOException(uri.getPath() + ": HTTP " + resp.statusCode() + (e.isEmpty() ? "" : ": " + e));
        }
        return body;
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "" : n.asText();
    }

    private static String age(JsonNode seconds) {
        if (seconds.isNull() || seconds.isMissingNode()) {
            return "-";
        }
        long s = seconds.asLong();
        return s < 120 ? s + " s" : s < 7200 ? s / 60 + " min" : s / 3600 + " h";
    }

    static void print(PrintStream out, List<String[]> rows) {
        String[] head = {"NODE", "GRID", "BACKLOG", "OLDEST", "COPIED", "FAILURES", "PROBLEM"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(rows);
        for (String[] r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + (w[i] + 2) + "s", r[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
