package org.gridpacs.dose.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.http.PeerCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The dose jobs between nodes, on the peer connector only (mutual TLS), route {@value #ROUTE} (more specific than
 * replication's "/peer/*", so the two do not shadow each other):
 * <ul>
 * <li>{@code PUT /peer/dose/jobs/{id}} with a row ({@link JobRowJson}) -> 200 {"taken": true|false}: merged by
 * {@link JobMerge};</li>
 * <li>{@code GET /peer/dose/jobs} -> {"jobs": [rows]}: every open job and the newest others (a starting node's
 * catch-up);</li>
 * <li>{@code DELETE /peer/dose/jobs/{id}} -> the owner cancels: 200 and the row, 409 and the row when it had
 * ended, 404 when unknown.</li>
 * </ul>
 * Every request comes from a cluster member ({@link PeerCaller}: its node certificate), and a row is written only by
 * the node that owns the job, or as a cancel (CANCELLED), which any member may make when the owner cannot be asked;
 * else 403.
 */
public final class DoseJobsPeerHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(DoseJobsPeerHandler.class);
    public static final String ROUTE = "/peer/dose/jobs/*";
    static final String BASE = "/peer/dose/jobs";
    private static final int MAX_BODY = 4 << 20;

    private final DoseJobService jobs;
    private final PeerCaller callers;

    /** Without identity checks (a node alone, or cluster TLS off). */
    public DoseJobsPeerHandler(DoseJobService jobs) {
        this(jobs, PeerCaller.ANYONE);
    }

    public DoseJobsPeerHandler(DoseJobService jobs, PeerCaller callers) {
        this.jobs = jobs;
        this.callers = callers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        Optional<String> caller;
        try {
            caller = callers.node(request);
        } catch (PeerCaller.Refused e) {
            LOG.warn("Refused peer dose job request {} {} from {}: {}", method, path, Request.getRemoteAddr(request),
                    e.getMessage());
            send(response, callback, 403, JobJson.error(e.getMessage()));
            return true;
        }
        try {
            if (path.equals(BASE) || path.equals(BASE + "/")) {
                if (!method.equals("GET")) {
                    send(response, callback, 405, JobJson.error("only GET here"));
                    return true;
                }
                send(response, callback, 200, JobRowJson.rows(jobs.rowsForPeers()));
                return true;
            }
            String id = path.startsWith(BASE + "/") ? path.substring(BASE.length() + 1) : "";
            if (id.isEmpty() || id.contains("/")) {
                send(response, callback, 404, JobJson.error("no such peer dose job resource: " + path));
                return true;
            }
            switch (method) {
                case "PUT" -> {
                    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                    if (body.length() > MAX_BODY) {
                        send(response, callback, 413, JobJson.error("a job row over 4 MB"));
                        return true;
                    }
                    JobRecord row = JobRowJson.parse(JobJson.MAPPER.readTree(body));
                    if (!row.id().equals(id)) {
                        send(response, callback, 400, JobJson.error("the row is of job " + row.id() + ", not " + id));
                        return true;
                    }
                    if (caller.isPresent() && !caller.get().equals(row.owner()) && row.state() != JobState.CANCELLED) {
                        String why = "node " + caller.get() + " may send rows of its own jobs only (or a cancel), not a "
                                + row.state() + " row of job " + id + " owned by " + row.owner();
                        LOG.warn("Refused a dose job row from {}: {}", Request.getRemoteAddr(request), why);
                        send(response, callback, 403, JobJson.error(why));
                        return true;
                    }
                    boolean taken = jobs.mergeFromPeer(row);
                    send(response, callback, 200, JobJson.MAPPER.createObjectNode().put("taken", taken));
                }
                case "DELETE" -> {
                    DoseJobService.CancelOutcome outcome = jobs.cancelHere(id);
                    Optional<JobRecord> row = jobs.get(id);
                    int status = switch (outcome) {
                        case CANCELLED -> 200;
                        case ALREADY_FINISHED -> 409;
                        case NOT_FOUND -> 404;
                    };
                    send(response, callback, status, row.isPresent() ? JobRowJson.row(row.get())
                            : JobJson.error("no dose job " + id));
                }
                default -> send(response, callback, 405, JobJson.error("only PUT and DELETE here"));
            }
        } catch (java.io.IOException e) {
            send(response, callback, 400, JobJson.error(e.getMessage()));
        } catch (Exception e) {
            LOG.warn("Peer dose job request {} {} failed", method, path, e);
            send(response, callback, 500, JobJson.error("internal error: " + e));
        }
        return true;
    }

    private static void send(Response response, Callback callback, int status, JsonNode json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        Content.Sink.write(response, true, json.toString() + "\n", callback);
    }
}
