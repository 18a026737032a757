package org.gridpacs.dose.jobs;

import java.io.IOException;
import java.util.List;

/**
 * The dose service's peer calls over the cluster's peer connector (mutual TLS), to {@link DoseJobsPeerHandler} on
 * the other node. Every failure is an IOException naming the node; callers treat them as best effort.
 */
public interface JobPeers {

    /** Sends a job's row; the peer merges it into its table ({@link JobMerge}). */
    void send(String peer, JobRecord row) throws IOException;

    /** The peer's rows: every open job and the newest others. */
    List<JobRecord> rows(String peer) throws IOException;

    /** Asks the owner to cancel a job: what it did, and its row after (null when it does not know the job). */
    CancelReply cancel(String peer, String id) throws IOException;

    record CancelReply(DoseJobService.CancelOutcome outcome, JobRecord row) {
    }
}
