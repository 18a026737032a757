package org.gridpacs.gateway.node;

import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.grid.tier.StudyTiering;
import org.gridpacs.grid.tier.TierException;
import org.gridpacs.http.Answers;
import org.gridpacs.http.PeerCaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /peer/grid/release?study=UID} (cluster members only): the calling node tiered the study after reading
 * back every grid copy; this node removes its own copies whose grid copy it knows as the same object (204), else
 * 409 with why (the grid copy's news has not arrived yet: the caller asks again later).
 * {@code POST /peer/grid/restored?study=UID}: the calling node restored the study; it is not tiered here either.
 */
final class GridPeerHandler extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(GridPeerHandler.class);
    static final String ROUTE = "/peer/grid/*";
    static final String RELEASE = "/peer/grid/release";
    static final String RESTORED = "/peer/grid/restored";
    private final StudyTiering tiering;
    private final PeerCaller callers;

    GridPeerHandler(StudyTiering tiering, PeerCaller callers) {
        this.tiering = tiering;
        this.callers = callers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getPath();
        String by;
        try {
            by = callers.node(request).orElse("?");
        } catch (PeerCaller.Refused e) {
            LOG.warn("Refused peer grid request {} from {}: {}", path, Request.getRemoteAddr(request), e.getMessage());
            Answers.text(response, callback, 403, e.getMessage());
            return true;
        }
        if (!(RELEASE.equals(path) || RESTORED.equals(path)) || !"POST".equals(request.getMethod().toUpperCase(Locale.ROOT))) {
            Answers.text(response, callback, 404, "no such peer grid resource: " + request.getMethod() + " " + path);
            return true;
        }
        String study = Request.extractQueryParameters(request).getValue("study");
        if (study == null || !study.matches("[0-9.]{1,64}")) {
            Answers.text(response, callback, 400, "study=UID wanted");
            return true;
        }
        try {
            if (RESTORED.equals(path)) {
                tiering.forgetTiered(study);
                Answers.text(response, callback, 204, null);
                return true;
            }
            int removed = tiering.release(study);
            LOG.debug("Node {} tiered study {}: {} copies removed here", by, study, removed);
            Answers.text(response, callback, 204, null);
        } catch (TierException e) {
            Answers.text(response, callback, 409, e.getMessage());
        } catch (Exception e) {
            LOG.warn("Release of study {} for node {} failed", study, by, e);
            Answers.text(response, callback, 500, "internal error: " + e);
        }
        return true;
    }
}
