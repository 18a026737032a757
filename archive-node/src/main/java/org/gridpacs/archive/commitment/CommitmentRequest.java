package org.gridpacs.archive.commitment;

import java.util.List;

/**
 * A Storage Commitment Push Model request (PS3.4 J.3.2) as kept until answered.
 *
 * @param transactionUID Transaction UID (0008,1195), the requester's name for it
 * @param requesterAE    the calling AE title of the N-ACTION: whom the N-EVENT-REPORT goes to
 * @param calledAE       our AE title it was asked of: the calling AE title of a new association for the report
 * @param receivedBy     the cluster node that accepted it (answers it while it is up)
 * @param receivedAt     when it was accepted (epoch milliseconds): instances are rechecked until the wait ends
 * @param instances      the Referenced SOP Sequence, in order
 */
public record CommitmentRequest(String transactionUID, String requesterAE, String calledAE, String receivedBy,
                                long receivedAt, List<ReferencedSop> instances) {
    public CommitmentRequest {
        instances = List.copyOf(instances);
    }

    /** Whether {@code other} asks the same thing (a requester repeating itself), whoever received it when. */
    public boolean sameAs(CommitmentRequest other) {
        return transactionUID.equals(other.transactionUID) && requesterAE.equals(other.requesterAE)
                && instances.equals(other.instances);
    }
}
