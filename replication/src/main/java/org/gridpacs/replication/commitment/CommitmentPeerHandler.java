package org.gridpacs.replication.commitment;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.archive.commitment.CommitmentService;
import org.gridpacs.http.Answers;
import org.gridpacs.http.PeerCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage commitment requests between nodes, on the peer connector only, route {@value #ROUTE} (more specific than
 * replication's "/peer/*"):
 * <ul>
 * <li>{@code PUT /peer/commitments/{transaction UID}} with a request ({@link CommitmentWire}) -> 204: kept in case
 * the node that received it dies before answering;</li>
 * <li>{@code GET /peer/commitments/{transaction UID}} -> 200 "done" or "pending", 404 when unknown;</li>
 * <li>{@code DELETE /peer/commitments/{transaction UID}?by=NODE} -> 204: NODE has answered it, drop it.</li>
 * </ul>
 */
public final class CommitmentPeerHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(CommitmentPeerHandler.class);
    public static final String ROUTE = "/peer/commitments/*";
    static final String BASE = "/peer/commitments/";
    private static final int MAX_BODY = 16 << 20;

    private final CommitmentService service;
    private final PeerCaller callers;

    /** {@code callers}: who may call (cluster members by their node certificate; {@link PeerCaller#ANYONE} when off). */
    public CommitmentPeerHandler(CommitmentService service, PeerCaller callers) {
        this.service = service;
        this.callers = callers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        String uid = path.startsWith(BASE) ? path.substring(BASE.length()) : "";
        try {
            callers.node(request);
        } catch (PeerCaller.Refused e) {
            LOG.warn("Refused peer commitment request {} {} from {}: {}", method, path, Request.getRemoteAddr(request),
                    e.getMessage());
            Answers.text(response, callback, 403, e.getMessage());
            return true;
        }
        try {
            if (uid.isEmpty() || !uid.matches("[0-9.]{1,64}")) {
                Answers.text(response, callback, 404, "no such commitment resource: " + path);
                return true;
            }
            switch (method) {
                case "PUT" -> {
                    String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                    if (body.length() > MAX_BODY) {
                        Answers.text(response, callback, 413, "a commitment request over 16 MB");
                        return true;
                    }
                    CommitmentRequest r = CommitmentWire.decode(body);
                    if (!r.transactionUID().equals(uid)) {
                        Answers.text(response, callback, 400, "the request is " + r.transactionUID() + ", not " + uid);
                        return true;
                    }
                    service.offeredByPeer(r);
                    Answers.text(response, callback, 204, null);
                }
                case "GET" -> {
                    if (service.isDone(uid)) {
                        Answers.text(response, callback, 200, "done");
                    } else {
                        Answers.text(response, callback, 404, "not answered here");
                    }
                }
                case "DELETE" -> {
                    String by = org.eclipse.jetty.server.Request.extractQueryParameters(request).getValue("by");
                    service.doneByPeer(uid, by == null ? "?" : by);
                    Answers.text(response, callback, 204, null);
                }
                default -> Answers.text(response, callback, 405, "only PUT, GET and DELETE here");
            }
        } catch (java.io.IOException e) {
            Answers.text(response, callback, 400, e.getMessage());
        } catch (Exception e) {
            LOG.warn("Peer commitment request {} {} failed", method, path, e);
            Answers.text(response, callback, 500, "internal error: " + e);
        }
        return true;
    }
}
