package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pacs grid status}: each node's grid tier, from {@code GET /api/grid} of every node {@code GET /api/nodes}
 * of the server lists (the node answering alone when it runs alone). {@code pacs grid migrate|restore|verify}: a
 * job on the server ({@code POST /api/grid/...}), followed with a progress bar until it ends; exit status 0 when it
 * succeeded, 1 when it failed (the grid unreachable: its endpoint named), 3 for an unknown study.
 */
@Command(name = "grid", mixinStandardHelpOptions = true,
        description = {"The grid tier (conf/grid.properties): status shows, per node, whether the grid answers, the "
                + "off-site copy backlog and its oldest entry's age, copies made and failures.",
                "migrate: grid copies made and read back, then the local copies removed on every node; restore: "
                + "local copies back; verify: every grid copy read back and checked, and the grid's orphans (objects "
                + "no index row names, older than grid.tier.orphan-grace-minutes) counted; --sweep removes them."},
        footer = {"", "Examples:", "  pacs grid status", "  pacs grid status --server http://pacs2:8080",
                "  pacs grid migrate --study 1.2.3", "  pacs grid migrate --older-than 365",
                "  pacs grid restore --study 1.2.3", "  pacs grid verify [--study 1.2.3]",
                "  pacs grid verify --sweep"})
final class GridCommand implements Callable<Integer> {

    /** Exit status of a job about a study the index does not hold. */
    static final int UNKNOWN_STUDY = 3;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "status, migrate, restore or verify")
    String command;

    @Option(names = "--study", paramLabel = "UID", description = "The Study Instance UID (migrate, restore, verify).")
    String study;

    @Option(names = "--older-than", paramLabel = "DAYS",
            description = "migrate: every study not read for DAYS days (never read: not changed for DAYS days).")
    Integer olderThan;

    @Option(names = "--sweep", description = "verify: also remove the grid's orphans (whole grid only).")
    boolean sweep;

    @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
    boolean progress;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "A node's HTTP address (default: ${DEFAULT-VALUE}, the HTTP entry of scripts/run).")
    URI server;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    HttpAccountOptions account = new HttpAccountOptions();

    private NodeApiClient api;

    @Override
    public Integer call() throws Exception {
        if (sweep && !command.equals("verify")) {
            throw new UsageException("--sweep goes with verify only");
        }
        String query = switch (command) {
            case "status" -> null;
            case "migrate" -> {
                if ((study == null) == (olderThan == null)) {
                    throw new UsageException("migrate needs --study UID or --older-than DAYS");
                }
                if (olderThan != null && olderThan < 0) {
                    throw new UsageException("--older-than must be >= 0 days, not " + olderThan);
                }
                yield study != null ? "study=" + enc(study) : "older-than-days=" + olderThan;
            }
            case "restore" -> {
                if (study == null) {
                    throw new UsageException("restore needs --study UID");
                }
                yield "study=" + enc(study);
            }
            case "verify" -> {
                if (sweep && study != null) {
                    throw new UsageException("--sweep is of the whole grid: give no --study");
                }
                yield sweep ? "sweep=true" : study == null ? "" : "study=" + enc(study);
            }
            default -> throw new UsageException("unknown grid command '" + command
                    + "' (status, migrate, restore, verify)");
        };
        String authorization;
        try {
            authorization = account.authorization();
        } catch (UsageException e) {
            authorization = null; // a loopback entry needs no login; a refusal below says what is missing
        }
        api = new NodeApiClient(server, authorization);
        if (query != null) {
            return runJob(query);
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

    /** Starts the job, follows it to its end with a progress bar, and says how it ended. */
    private int runJob(String query) throws IOException, InterruptedException {
        String start = "/api/grid/" + command;
        NodeApiClient.Answer a = api.post(start + (query.isEmpty() ? "" : "?" + query), null);
        if (a.refused()) {
            throw NodeApiClient.needsAdmin(start, a.status());
        }
        if (a.status() == 404 && a.json().has("error") && study != null) {
            spec.commandLine().getErr().println("pacs grid " + command + ": " + a.json().path("error").asText());
            return UNKNOWN_STUDY;
        }
        if (a.status() != 202) {
            throw new IOException(start + ": HTTP " + a.status() + ": " + a.json().path("error").asText(""));
        }
        URI poll = server.resolve("/api/grid/jobs/" + a.json().path("id").asText());
        java.io.PrintWriter err = spec.commandLine().getErr();
        boolean bar = ProgressBar.wanted(progress);
        JsonNode job = a.json();
        while (!job.path("state").asText().equals("DONE") && !job.path("state").asText().equals("FAILED")) {
            Thread.sleep(500);
            job = get(poll);
            if (bar) {
                drawBar(err, job);
            }
        }
        if (bar) {
            drawBar(err, job);
            err.println();
        }
        for (JsonNode e : job.path("errors")) {
            err.println("  " + e.asText());
        }
        if (job.path("state").asText().equals("DONE")) {
            spec.commandLine().getOut().println(job.path("result").asText());
            spec.commandLine().getOut().flush();
            return 0;
        }
        String why = job.path("result").asText();
        try {
            JsonNode g = get(server.resolve("/api/grid"));
            if (g.path("enabled").asBoolean() && !g.path("reachable").asBoolean()) {
                why += " (the grid at " + g.path("endpoint").asText() + " does not answer: "
                        + g.path("error").asText() + ")";
            }
        } catch (IOException e) {
            // the failure itself is what matters
        }
        err.println("pacs grid " + command + ": " + why);
        return 1;
    }

    private static void drawBar(java.io.PrintWriter err, JsonNode job) {
        long done = job.path("done").asLong();
        long total = job.path("total").asLong();
        int width = 24;
        int filled = total == 0 ? 0 : (int) Math.min(width, width * done / total);
        err.printf("\r[%s] %d/%d instances  %s   ", "#".repeat(filled) + ".".repeat(width - filled), done, total,
                job.path("state").asText());
        err.flush();
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
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

    /** The JSON of a GET that must succeed (200). */
    private JsonNode get(URI uri) throws IOException {
        NodeApiClient.Answer a = api.get(uri);
        if (a.refused()) {
            throw NodeApiClient.needsAdmin(uri.getPath(), a.status());
        }
        if (a.status() != 200) {
            String e = a.json().path("error").asText("");
            throw new IOException(uri.getPath() + ": HTTP " + a.status() + (e.isEmpty() ? "" : ": " + e));
        }
        return a.json();
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
