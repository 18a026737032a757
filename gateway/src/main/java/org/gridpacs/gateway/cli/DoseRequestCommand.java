package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.gridpacs.dose.jobs.BeamSpec;
import org.gridpacs.dose.jobs.JobJson;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pacs dose-request}: asks a node for the dose of a study's plan (or of beams described here), follows the job
 * and prints the RT Dose's SOP Instance UID once it is stored.
 */
@Command(name = "dose-request",
        description = {"Requests a Monte Carlo dose calculation from a node (POST /dose/jobs), follows it with a "
                + "progress bar and prints the SOP Instance UIDs of the stored RT Dose (then of its uncertainty RT Dose) "
                + "on stdout. Exit status 0 only when the RT Dose is stored. Ctrl-C stops watching only: the job goes "
                + "on (DELETE /dose/jobs/ID cancels it)."},
        footer = {"", "Examples:",
                "  pacs dose-request --server http://pacs:8080 --study 1.2.3 --plan 1.2.3.4 --uncertainty 2",
                "  pacs dose-request --server http://pacs:8080 --study 1.2.3 --beam \"6mv 10x10 ssd=100 mu=100 gantry=0\"",
                "", "Beam words: 6mv|co60, WxL (cm at the isocentre) or jaws=x1,x2,y1,y2 (cm), ssd=CM (default 100) or "
                + "iso=x,y,z (mm, patient coordinates), gantry=DEG, collimator=DEG, mu=MU (default 100)."})
final class DoseRequestCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    HttpAccountOptions account = new HttpAccountOptions();

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The node's HTTP address, e.g. http://pacs:8080.")
    URI server;

    @Option(names = "--study", required = true, paramLabel = "UID", description = "Study Instance UID of the CT.")
    String study;

    @Option(names = "--plan", paramLabel = "UID", description = "SOP Instance UID of the RT Plan (default: the study's only RT Plan, unless --beam).")
    String plan;

    @Option(names = "--beam", paramLabel = "BEAM", description = "A beam instead of a plan (repeatable), e.g. \"6mv 10x10 ssd=100 mu=100 gantry=0\"; a plan is generated and stored with the dose.")
    List<String> beams;

    @Option(names = "--uncertainty", paramLabel = "PERCENT", description = "Target statistical uncertainty (default: the node's, 2).")
    Double uncertainty;

    @Option(names = "--histories", paramLabel = "N", description = "Histories to run (with --uncertainty: the most).")
    Long histories;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: the node's).")
    Long seed;

    @Option(names = "--poll", defaultValue = "1", paramLabel = "SECONDS", description = "Time between looks at the job (default: ${DEFAULT-VALUE}).")
    double poll;

    @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
    boolean forceProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!(poll > 0 && poll <= 60)) {
            throw new UsageException("--poll must be between 0 and 60 seconds");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("study", study);
        if (plan != null) {
            body.put("plan", plan);
        }
        if (beams != null && !beams.isEmpty()) {
            try {
                body.put("beams", beams.stream().map(b -> BeamSpec.parse(b).toJson()).toList());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--beam: " + e.getMessage());
            }
        }
        if (uncertainty != null) {
            body.put("uncertainty", uncertainty);
        }
        if (histories != null) {
            body.put("histories", histories);
        }
        if (seed != null) {
            body.put("seed", seed);
        }
        NodeApiClient api = new NodeApiClient(server, account.authorization());
        NodeApiClient.Answer posted = api.post("/dose/jobs", JobJson.requestBody(body));
        if (posted.status() != 202) {
            err.println("pacs dose-request: the node refused the request: " + posted.error());
            return posted.status() >= 400 && posted.status() < 500 ? 2 : 1;
        }
        String id = posted.json().path("id").asText();
        String location = posted.response().headers().firstValue("Location").orElse("/dose/jobs/" + id);
        err.printf("pacs dose-request: job %s queued (Ctrl-C stops watching; the job goes on)%n", id);
        err.flush();
        JsonNode job = posted.json();
        try (JobProgressLine bar = JobProgressLine.wanted(forceProgress) ? new JobProgressLine(err) : null) {
            while (!isFinal(job.path("state").asText())) {
                Thread.sleep((long) (poll * 1000));
                NodeApiClient.Answer a = api.get(location);
                if (a.status() != 200) {
                    err.println("pacs dose-request: cannot follow job " + id + ": " + a.error());
                    return 1;
                }
                job = a.json();
                if (bar != null) {
                    bar.draw(job);
                }
            }
        }
        String state = job.path("state").asText();
        if (!state.equals("DONE")) {
            err.println("pacs dose-request: job " + id + " " + state.toLowerCase(java.util.Locale.ROOT)
                    + (job.path("error").isTextual() ? ": " + job.path("error").asText() : ""));
            return 1;
        }
        out.println(job.at("/result/rtDose").asText());
        if (job.at("/result/errorDose").isTextual()) {
            out.println(job.at("/result/errorDose").asText());
        }
        out.flush();
        return 0;
    }

    private static boolean isFinal(String state) {
        return state.equals("DONE") || state.equals("FAILED") || state.equals("CANCELLED");
    }
}
