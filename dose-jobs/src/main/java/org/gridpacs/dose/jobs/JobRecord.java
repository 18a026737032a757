package org.gridpacs.dose.jobs;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.gridpacs.dose.dicom.DerivedIds;

/**
 * A dose job as its row holds it.
 *
 * @param waitCtUntil        an on-arrival job waits for its CT series until then; null otherwise
 * @param historiesPlanned   the most histories the run will do (0 before it starts)
 * @param uncertaintyReached mean relative uncertainty so far, percent; null before two batches
 * @param etaSeconds         estimated seconds to the end; null when unknown
 * @param doseUid            SOP Instance UID of the stored RT Dose (DONE)
 * @param errorDoseUid       SOP Instance UID of the stored uncertainty RT Dose, if one was written
 * @param generatedPlanUid   SOP Instance UID of the RT Plan generated for a beam description
 * @param ownerEpoch         how many times the job changed owner (a takeover): the higher epoch's row is the newer
 */
public record JobRecord(String id, JobState state, String detail, JobOrigin origin, JobRequest request,
                        Instant waitCtUntil, Instant created, Instant updated, String owner, long historiesDone,
                        long historiesPlanned, Double uncertaintyReached, Double etaSeconds, String doseUid,
                        String errorDoseUid, String generatedPlanUid, String error, int attempts, int ownerEpoch) {

    /**
     * The UIDs and time of what the job writes: derived from its id and creation time only, so that a rerun writes
     * the same objects (a duplicate of the same bytes, never a second RT Dose). The time is the creation instant in
     * UTC, not in the node's zone: a node in another zone that takes the job over writes the same Content Date/Time.
     */
    public DerivedIds derivedIds() {
        return new DerivedIds(id, LocalDateTime.ofInstant(created, ZoneOffset.UTC));
    }

    /** Whether the job is open (QUEUED or RUNNING) and owned by {@code node}. */
    public boolean openOn(String node) {
        return !state.isFinal() && node.equals(owner);
    }

    /** The plan SOP Instance UID an on-arrival job was made for (unique cluster-wide), else null. */
    public String arrivalPlanUid() {
        return origin == JobOrigin.ON_ARRIVAL ? request.plan() : null;
    }

    /** Progress 0..1: histories done of those planned, or 1 when done. */
    public double progress() {
        if (state == JobState.DONE) {
            return 1;
        }
        return historiesPlanned > 0 ? Math.min(1, historiesDone / (double) historiesPlanned) : 0;
    }
}
