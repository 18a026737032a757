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
import org.eclipse.jetty.util.Fields;
import org.gridpacs.http.auth.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The dose job API on the node's user connector (route {@value #ROUTE}):
 * <ul>
 * <li>{@code POST /dose/jobs} with a JSON request -> 202, {@code Location: /dose/jobs/{id}} and the job;</li>
 * <li>{@code GET /dose/jobs[?state=QUEUED]} -> {"jobs": [...]}, newest first;</li>
 * <li>{@code GET /dose/jobs/{id}} -> the job (state, detail, progress, result UIDs, error);</li>
 * <li>{@code DELETE /dose/jobs/{id}} -> 200 and the cancelled job; 409 when it had ended.</li>
 * </ul>
 * In a cluster every node answers for every job of the cluster (rows replicated by the service); a DELETE of a job
 * another node owns is passed to that node ({@link DoseJobService#cancel}).
 * Every refusal is a JSON {"error": reason}: 400 a bad request, 403 a caller without the role (reading needs
 * {@link Caller.Role#READ}, submitting and cancelling {@link Caller.Role#UPLOAD}), 404 an unknown job or path, 405 a
 * wrong method, 413 a body over 1 MB, 422 a study or plan the archive does not hold.
 */
public final class DoseJobsHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(DoseJobsHandler.class);
    public static final String ROUTE = "/dose/jobs/*";
    static final String BASE = "/dose/jobs";
    private static final int MAX_BODY = 1 << 20;

    private final DoseJobService jobs;

    public DoseJobsHandler(DoseJobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            answer(request, response, callback);
        } catch (BadRequestException e) {
            if (e.status() == 413) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close"); // its body is left unread, as for 405
            }
            send(response, callback, e.status(), JobJson.error(e.getMessage()));
        } catch (Exception e) {
            LOG.warn("Dose job API failed on {} {}", request.getMethod(), request.getHttpURI().getPath(), e);
            send(response, callback, 500, JobJson.error("internal error: " + e));
        }
        return true;
    }

    private void answer(Request request, Response response, Callback callback) throws Exception {
        // the raw URI path: PathMappingsHandler without a context handler fails on getPathInContext (Jetty 12.1)
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        requireRole(request, method.equals("GET") || method.equals("HEAD") ? Caller.Role.READ : Caller.Role.UPLOAD);
        if (path.equals(BASE) || path.equals(BASE + "/")) {
            switch (method) {
                case "POST" -> {
                    JobRecord job = jobs.submit(JobJson.parseRequest(body(request)));
                    response.getHeaders().put(HttpHeader.LOCATION, BASE + "/" + job.id());
                    send(response, callback, 202, JobJson.job(job));
                }
                case "GET" -> send(response, callback, 200, JobJson.jobs(jobs.list(state(request))));
                default -> methodNotAllowed(response, callback, "GET, POST");
            }
            return;
        }
        String id = path.substring(BASE.length() + 1);
        if (id.isEmpty() || id.contains("/")) {
            throw new BadRequestException(404, "no such resource: " + path);
        }
        switch (method) {
            case "GET" -> {
                Optional<JobRecord> j = jobs.get(id);
                if (j.isEmpty()) {
                    throw new BadRequestException(404, "no dose job " + id);
                }
                send(response, callback, 200, JobJson.job(j.get()));
            }
            case "DELETE" -> {
                switch (jobs.cancel(id)) {
                    case NOT_FOUND -> throw new BadRequestException(404, "no dose job " + id);
                    case ALREADY_FINISHED -> throw new BadRequestException(409, "dose job " + id + " has ended ("
                            + jobs.get(id).map(j -> j.state().name()).orElse("gone") + "): nothing to cancel");
                    case CANCELLED -> send(response, callback, 200, JobJson.job(jobs.get(id).orElseThrow()));
                }
            }
            default -> methodNotAllowed(response, callback, "GET, DELETE");
        }
    }

    /** The access layer in front of the route put the caller on the request; without the role, 403 and why. */
    private static void requireRole(Request request, Caller.Role role) throws BadRequestException {
        Caller c = Caller.of(request);
        if (c == null || !c.may(role)) {
            String who = c == null ? "an anonymous caller" : "account '" + c.name() + "'";
            throw new BadRequestException(403, who + " may not " + (role == Caller.Role.READ ? "read dose jobs"
                    : "submit or cancel dose jobs") + ": that needs the " + (role == Caller.Role.READ ? "read" : "upload")
                    + " role (pacs http-user add NAME --role " + (role == Caller.Role.READ ? "read" : "upload") + ")");
        }
    }

    private static JobState state(Request request) throws BadRequestException {
        Fields q = Request.extractQueryParameters(request);
        String s = q.getValue("state");
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return JobState.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("state must be one of QUEUED, RUNNING, DONE, FAILED, CANCELLED, not " + s);
        }
    }

    private static String body(Request request) throws Exception {
        long length = request.getLength();
        if (length > MAX_BODY) {
            throw new BadRequestException(413, "the request body is over 1 MB");
        }
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        if (body.length() > MAX_BODY) {
            throw new BadRequestException(413, "the request body is over 1 MB");
        }
        return body;
    }

    private static void methodNotAllowed(Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        // the request's body is not read: Jetty then closes the connection after the answer, and a client that
        // reused it for its next request would find it closed under that request (seen with the JDK's client)
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        send(response, callback, 405, JobJson.error("method not allowed here; allowed: " + allowed));
    }

    private static void send(Response response, Callback callback, int status, JsonNode json) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, json.toString() + "\n", callback);
    }
}
