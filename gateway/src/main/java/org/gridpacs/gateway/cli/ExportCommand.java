package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pacs export}: queues a study for another site through a running node ({@code POST
 * /api/federation/exports}, role admin) and follows it with a progress bar until the destination has every
 * instance, or the export failed. The node does the sending (store-and-forward, retried while the site is down):
 * interrupting this command does not stop the export.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Send a study to another site of the federation (conf/federation.properties), de-identified "
                + "with --deidentify, through a running node's durable export queue; shows progress until done."},
        footer = {"", "Profiles: none (as stored), basic (PS3.15 Annex E Basic Application Level Confidentiality "
                + "Profile), with options joined by '+': full-dates (Retain Longitudinal Temporal Information with "
                + "Full Dates), clean-descriptors (Clean Descriptors), burned-in (send instances flagged Burned In "
                + "Annotation too).", "", "Examples:",
                "  pacs export --study 1.2.840.113619.2.1.1 --to SITE-B --deidentify basic",
                "  pacs export --study 1.2.3 --to SITE-B --deidentify basic+full-dates --server http://pacs:8080",
                "  pacs export --study 1.2.3 --to SITE-B --no-wait"})
final class ExportCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/api/federation/exports";

    @Option(names = "--study", required = true, paramLabel = "UID", description = "The Study Instance UID.")
    String study;

    @Option(names = "--to", required = true, paramLabel = "SITE",
            description = "The destination site: its name or id in conf/federation.properties.")
    String to;

    @Option(names = "--deidentify", paramLabel = "PROFILE",
            description = "De-identification profile (default: none, the study goes as stored).")
    String deidentify;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "A node's HTTP address (default: ${DEFAULT-VALUE}, the HTTP entry of scripts/run).")
    URI server;

    @Option(names = "--no-wait", description = "Queue the export and return (its id is printed).")
    boolean noWait;

    @Option(names = "--poll-ms", hidden = true, defaultValue = "500")
    long pollMs;

    @Spec
    CommandSpec spec;

    @Mixin
    HttpAccountOptions account = new HttpAccountOptions();

    // cookies kept: behind a cluster's HAProxy (cookie GPNODE) the polls go to the node whose queue holds the export
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .cookieHandler(new java.net.CookieManager()).build();
    private String authorization;

    @Override
    public Integer call() throws Exception {
        try {
            authorization = account.authorization();
        } catch (UsageException e) {
            authorization = null; // a loopback entry needs no login; a refusal says what is missing
        }
        ObjectNode body = JSON.createObjectNode().put("study", study).put("to", to).put("deidentify", deidentify);
        JsonNode e = call(HttpRequest.newBuilder(server.resolve(API))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)), 202);
        long id = e.path("id").asLong();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Export " + id + ": study " + study + " to " + e.path("to").asText() + " ("
                + e.path("profile").asText() + "), queued on " + server.getAuthority());
        if (noWait) {
            return 0;
        }
        PrintWriter err = spec.commandLine().getErr();
        String last = "";
        while (true) {
            String state = e.path("state").asText();
            String line = bar(e);
            if (!line.equals(last)) {
                err.print("\r" + line + " ".repeat(Math.max(0, last.length() - line.length())));
                err.flush();
                last = line;
            }
            if (state.equals("DONE")) {
                err.println();
                out.println("Export " + id + " done: " + e.path("total").asInt() + " instance(s) at "
                        + e.path("to").asText() + (e.path("profile").asText().equals("none") ? ""
                        : ", de-identified (" + e.path("profile").asText() + "); the study is "
                        + e.path("sentStudy").asText() + " there"));
                return 0;
            }
            if (state.equals("FAILED")) {
                err.println();
                throw new IOException("export " + id + " failed: " + e.path("lastError").asText());
            }
            Thread.sleep(pollMs);
            e = call(HttpRequest.newBuilder(server.resolve(API + "/" + id)).GET(), 200);
        }
    }

    /** {@code [#########...........]  4/10 SENDING}, or the wait and why while the site is down. */
    static String bar(JsonNode e) {
        int total = e.path("total").asInt();
        int sent = e.path("sent").asInt();
        int width = 30;
        int filled = total == 0 ? 0 : (int) Math.min(width, (long) sent * width / total);
        String state = e.path("state").asText();
        String why = "";
        if (state.equals("QUEUED") && e.path("attempts").asInt() > 0) {
            why = " waiting (attempt " + e.path("attempts").asInt() + " failed: " + e.path("lastError").asText()
                    + "; next try " + e.path("nextTry").asText() + ")";
        }
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + sent + "/" + (total == 0 ? "?" : total)
                + " " + state + why;
    }

    private JsonNode call(HttpRequest.Builder r, int expected) throws IOException, InterruptedException {
        r.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        HttpRequest request = r.build();
        HttpResponse<String> resp;
        try {
            resp = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + server.getAuthority() + " (is the node running, and is this"
                    + " its HTTP port?)", e);
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
                return call(HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase("Authorization")), expected);
            } finally {
                authorization = sent;
            }
        }
        String error = body == null ? "" : body.path("error").asText("");
        if (resp.statusCode() == 401 || (resp.statusCode() == 403 && error.contains("admin role"))) {
            throw new IOException(API + " refused (HTTP " + resp.statusCode() + "): it needs an account with the"
                    + " admin role (--user, --password-file or PACS_HTTP_PASSWORD)");
        }
        if (resp.statusCode() == 404 && error.isEmpty()) {
            throw new IOException(server.getAuthority() + " has no " + API + " (a node of an older version?)");
        }
        if (resp.statusCode() != expected) {
            throw new IOException(error.isEmpty() ? API + ": HTTP " + resp.statusCode() : error);
        }
        return body;
    }
}
