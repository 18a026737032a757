package org.gridpacs.archive.commitment;

import java.io.IOException;
import java.util.List;

/**
 * The other cluster nodes as the commitment service sees them (implemented by the replication module over the
 * peer endpoint {@code /peer/commitments}). Every call is best effort: a peer that does not answer is skipped.
 */
public interface CommitmentPeers {
    /** This node's name. */
    String self();

    /** The nodes up now, this one included. */
    List<String> liveNodes();

    /** Hands a pending request to {@code peer}, which keeps it in case this node dies before answering. */
    void offer(String peer, CommitmentRequest request) throws IOException;

    /** Tells {@code peer} that the request has been answered and confirmed: it drops its copy. */
    void done(String peer, String transactionUID) throws IOException;

    /** Whether {@code peer} knows the request as answered already. */
    boolean isDone(String peer, String transactionUID) throws IOException;

    /** A node alone: no peers. */
    static CommitmentPeers alone(String self) {
        return new CommitmentPeers() {
            @Override
            public String self() {
                return self;
            }

            @Override
            public List<String> liveNodes() {
                return List.of(self);
            }

            @Override
            public void offer(String peer, CommitmentRequest request) {
            }

            @Override
            public void done(String peer, String transactionUID) {
            }

            @Override
            public boolean isDone(String peer, String transactionUID) {
                return false;
            }
        };
    }
}
