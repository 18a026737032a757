package org.gridpacs.dicom.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;

/**
 * C-FIND matches gathered and given to the {@link Handlers.QueryResponder} a run at a time (every {@code size}
 * matches, and at {@link #flush}): one write, and over TLS one record, per run instead of one per match. The caller
 * flushes before it waits for anything (the requester sees every match it has) and before its final response.
 */
public final class PendingMatches {
    /** Matches per write: an index answers a few thousand per second, a requester sees them without delay. */
    public static final int RUN = 32;

    private final Handlers.QueryResponder responder;
    private final List<DataSet> run = new ArrayList<>(RUN);

    public PendingMatches(Handlers.QueryResponder responder) {
        this.responder = responder;
    }

    /** Adds a match, sending the run once it is full; false once the requester has cancelled (stop then). */
    public boolean add(DataSet match) throws IOException {
        run.add(match);
        return run.size() < RUN ? !responder.isCancelled() : flush();
    }

    /** Sends the matches gathered; false once the requester has cancelled. */
    public boolean flush() throws IOException {
        if (run.isEmpty()) {
            return !responder.isCancelled();
        }
        List<DataSet> out = List.copyOf(run);
        run.clear();
        return responder.pending(out);
    }
}
