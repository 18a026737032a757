package org.gridpacs.archive.commitment;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceIndex;

/** Checks a request's instances against the index: committed when held in {@link DurableCopies#required()} copies. */
public final class CommitmentCheck {
    private final InstanceIndex index;
    private final DurableCopies copies;

    public CommitmentCheck(InstanceIndex index, DurableCopies copies) {
        this.index = index;
        this.copies = copies;
    }

    public CommitmentResult check(CommitmentRequest request) throws SQLException {
        List<ReferencedSop> committed = new ArrayList<>();
        List<CommitmentResult.Failed> failed = new ArrayList<>();
        for (ReferencedSop sop : request.instances()) {
            int reason = reason(sop);
            if (reason == 0) {
                committed.add(sop);
            } else {
                failed.add(new CommitmentResult.Failed(sop, reason));
            }
        }
        return new CommitmentResult(request.transactionUID(), committed, failed);
    }

    /** 0 when committed, else the Failure Reason. */
    private int reason(ReferencedSop sop) throws SQLException {
        Optional<IndexedInstance> found = index.find(sop.sopInstanceUID());
        if (found.isEmpty()) {
            return FailureReason.NO_SUCH_OBJECT_INSTANCE;
        }
        if (!found.get().sopClassUID().equals(sop.sopClassUID())) {
            return FailureReason.CLASS_INSTANCE_CONFLICT;
        }
        return copies.count(found.get()) >= copies.required() ? 0 : FailureReason.PROCESSING_FAILURE;
    }
}
