package org.gridpacs.gateway.node;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gridpacs.grid.tier.GridOrphans;
import org.gridpacs.grid.tier.StudyTiering;
import org.gridpacs.grid.tier.TierException;
import org.gridpacs.grid.tier.TierJobs;
import org.gridpacs.grid.tier.TierProgress;
import org.gridpacs.http.Answers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The grid tier's administration (role admin), as jobs with progress:
 * <ul>
 * <li>{@code POST /api/grid/migrate?study=UID} or {@code ?older-than-days=N} -> 202 and the job;</li>
 * <li>{@code POST /api/grid/restore?study=UID}, {@code POST /api/grid/verify[?study=UID]} -> 202 and the job;
 * verify of the whole grid also counts its orphans ({@link GridOrphans}), and removes them with
 * {@code ?sweep=true};</li>
 * <li>{@code GET /api/grid/jobs/ID} -> {"id", "kind", "target", "state" (QUEUED, RUNNING, DONE, FAILED), "done",
 * "total", "errors", "result"}.</li>
 * </ul>
 * An unknown study is 404 at once (not a failed job); the grid off on this node is 409.
 */
final class GridTierHandler extends Handler.Abstract {
    static final String ROUTE = "/api/grid/*";
    private static final String BASE = "/api/grid/";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Studies per policy-style migration ({@code older-than-days}) in one job. */
    private static final int MAX_STUDIES = 10_000;
    private final StudyTiering tiering;
    private final TierJobs jobs;
    private final GridOrphans orphans;

    /** {@code tiering} and {@code orphans} null: the grid is off on this node. */
    GridTierHandler(StudyTiering tiering, TierJobs jobs, GridOrphans orphans) {
        this.tiering = tiering;
        this.jobs = jobs;
        this.orphans = orphans;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getHttpURI().getPath();
        String what = path.startsWith(BASE) ? path.substring(BASE.length()) : "";
        if (Answers.refusedUnlessAdmin(request, response, callback, path)) {
            return true;
        }
        if (tiering == null) {
            Answers.json(response, callback, 409, Answers.error("the grid is off on this node (grid.enabled in conf/grid.properties)"));
            return true;
        }
        Fields q = Request.extractQueryParameters(request);
        String study = q.getValue("study");
        try {
            if (what.startsWith("jobs/") && (method.equals("GET") || method.equals("HEAD"))) {
                long id;
                try {
                    id = Long.parseLong(what.substring(5));
                } catch (NumberFormatException e) {
                    Answers.json(response, callback, 404, Answers.error("no job " + what.substring(5)));
                    return true;
                }
                var job = jobs.get(id);
                if (job.isEmpty()) {
                    Answers.json(response, callback, 404, Answers.error("no job " + id + " on this node (kept in memory)"));
                } else {
                    Answers.json(response, callback, 200, json(job.get()));
                }
                return true;
            }
            if (!method.equals("POST")) {
                response.getHeaders().put(HttpHeader.ALLOW, "POST");
                Answers.json(response, callback, 405, Answers.error(method + " is not allowed on " + path));
                return true;
            }
            switch (what) {
                case "migrate" -> {
                    String days = q.getValue("older-than-days");
                    if ((study == null) == (days == null)) {
                        Answers.json(response, callback, 400, Answers.error("give study=UID or older-than-days=N"));
                        return true;
                    }
                    if (study != null) {
                        known(study);
                        accepted(response, callback, jobs.submit("migrate", study, p -> {
                            tiering.migrate(study, p);
                            return "study " + study + " tiered: only its grid copies are kept";
                        }));
                    } else {
                        int n = parseDays(days);
                        accepted(response, callback, jobs.submit("migrate", "older than " + n + " days",
                                p -> migrateOlder(n, p)));
                    }
                }
                case "restore" -> {
                    if (study == null) {
                        Answers.json(response, callback, 400, Answers.error("give study=UID"));
                        return true;
                    }
                    known(study);
                    accepted(response, callback, jobs.submit("restore", study, p -> {
                        tiering.restore(study, p);
                        return "study " + study + " restored to local storage";
                    }));
                }
                case "verify" -> {
                    boolean sweep = parseSweep(q.getValue("sweep"));
                    if (study != null) {
                        if (sweep) {
                            throw new IllegalArgumentException("sweep is of the whole grid: give no study");
                        }
                        known(study);
                    }
                    accepted(response, callback, jobs.submit(sweep ? "verify and sweep" : "verify",
                            study == null ? "all" : study, p -> verify(study, sweep, p)));
                }
                default -> Answers.json(response, callback, 404, Answers.error("no such grid resource: " + path
                        + " (migrate, restore, verify, jobs/ID)"));
            }
        } catch (IllegalArgumentException e) {
            Answers.json(response, callback, 400, Answers.error(e.getMessage()));
        } catch (TierException.UnknownStudy e) {
            Answers.json(response, callback, 404, Answers.error(e.getMessage()));
        } catch (Exception e) {
            Answers.json(response, callback, 500, Answers.error("internal error: " + e));
        }
        return true;
    }

    /** Reads back the grid copies; of the whole grid, also counts (and with {@code sweep} removes) its orphans. */
    private String verify(String study, boolean sweep, TierProgress p) throws Exception {
        StudyTiering.VerifyResult r = tiering.verify(study, p);
        String summary = r.checked() + " grid copies read back, " + r.bad().size() + " bad, " + r.missing().size()
                + " missing";
        if (study == null && orphans != null) {
            GridOrphans.Result o = orphans.sweep(sweep, p);
            summary += "; " + o.orphans() + " orphan objects of " + o.listed() + " (no index row names them, older"
                    + " than " + orphans.grace().toMinutes() + " min)" + (sweep ? ", " + o.removed() + " removed"
                    : o.orphans() > 0 ? ", not removed (pacs grid verify --sweep removes them)" : "");
        }
        if (!r.bad().isEmpty() || !r.missing().isEmpty()) {
            throw new TierException(summary);
        }
        return summary;
    }

    static boolean parseSweep(String sweep) {
        if (sweep == null || sweep.equals("false")) {
            return false;
        }
        if (sweep.equals("true") || sweep.isEmpty()) {
            return true;
        }
        throw new IllegalArgumentException("sweep must be true or false, not " + sweep);
    }

    private String migrateOlder(int days, TierProgress p) throws Exception {
        List<String> studies = tiering.states().notReadSince(Instant.now().minus(Duration.ofDays(days)), MAX_STUDIES);
        List<String> failed = new ArrayList<>();
        for (String s : studies) {
            try {
                tiering.migrate(s, p);
            } catch (TierException e) {
                failed.add(s);
                p.error(e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new TierException(failed.size() + " of " + studies.size() + " studies not migrated (first: "
                    + failed.get(0) + ")");
        }
        return studies.size() + " studies not read for " + days + " days tiered";
    }

    private void known(String study) throws Exception {
        if (!study.matches("[0-9.]{1,64}")) {
            throw new IllegalArgumentException("not a Study Instance UID: " + study);
        }
        // the unknown study answered at once, not as a failed job
        if (!tiering.knows(study)) {
            throw new TierException.UnknownStudy(study);
        }
    }

    static int parseDays(String days) {
        try {
            int n = Integer.parseInt(days);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("older-than-days must be a whole number of days >= 0, not " + days);
    }

    private static void accepted(Response response, Callback callback, TierJobs.View job) {
        response.getHeaders().put(HttpHeader.LOCATION, BASE + "jobs/" + job.id());
        Answers.json(response, callback, 202, json(job));
    }

    static ObjectNode json(TierJobs.View j) {
        ObjectNode o = JSON.createObjectNode().put("id", j.id()).put("kind", j.kind()).put("target", j.target())
                .put("state", j.state().name()).put("done", j.done()).put("total", j.total())
                .put("result", j.result());
        ArrayNode errors = o.putArray("errors");
        j.errors().forEach(errors::add);
        return o;
    }
}
