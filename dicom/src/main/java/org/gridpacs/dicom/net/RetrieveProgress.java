package org.gridpacs.dicom.net;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Commands;
import org.gridpacs.dicom.net.dimse.Status;

/** Sends the pending and final responses of a C-MOVE or C-GET with sub-operation counts (PS3.4 C.4.2.1.5, C.4.3.1.4). */
final class RetrieveProgress implements Handlers.RetrieveResponder {
    private final Association association;
    private final DimseRequest request;
    private final AtomicBoolean cancelled;
    private int remaining;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUIDs = new ArrayList<>();
    private String failureComment;

    RetrieveProgress(Association association, DimseRequest request, AtomicBoolean cancelled) {
        this.association = association;
        this.request = request;
        this.cancelled = cancelled;
    }

    @Override
    public boolean pending(int remaining, int completed, int failed, int warning) throws IOException {
        this.remaining = remaining;
        this.completed = completed;
        this.failed = failed;
        this.warning = warning;
        if (cancelled.get()) {
            return false;
        }
        association.respond(request, counts(Status.PENDING, true), null, null);
        return true;
    }

    @Override
    public void complete(int completed, int failed, int warning, List<String> failedSOPInstanceUIDs) {
        if (!cancelled.get()) {
            this.remaining = 0;
        } else {
            // what the last pending response said remained, less what was done since (PS3.4 C.4.2.1.5)
            this.remaining = Math.max(0, remaining - (completed + failed + warning - this.completed - this.failed - this.warning));
        }
        this.completed = completed;
        this.failed = failed;
        this.warning = warning;
        this.failedUIDs.addAll(failedSOPInstanceUIDs);
    }

    @Override
    public void failureComment(String comment) {
        this.failureComment = comment;
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    private DataSet counts(int status, boolean withRemaining) {
        DataSet rsp = Commands.response(request.command(), status, false);
        if (withRemaining) {
            rsp.setInt(Tag.NumberOfRemainingSuboperations, VR.US, remaining);
        }
        rsp.setInt(Tag.NumberOfCompletedSuboperations, VR.US, completed);
        rsp.setInt(Tag.NumberOfFailedSuboperations, VR.US, failed);
        rsp.setInt(Tag.NumberOfWarningSuboperations, VR.US, warning);
        return rsp;
    }

    /** The final response: cancel, success, warning (some failed) or failure (all failed). */
    void sendFinal() throws IOException {
        int status;
        if (cancelled.get() && remaining > 0) { // a cancel after the last sub-operation cancels nothing
            status = Status.CANCEL;
        } else if (failed == 0 && warning == 0) {
            status = Status.SUCCESS;
        } else if (completed == 0 && warning == 0) {
            status = Status.OUT_OF_RESOURCES_SUB_OPERATIONS;
        } else {
            status = Status.WARNING_SUB_OPERATIONS_COMPLETE_ONE_OR_MORE_FAILURES;
        }
        DataSet identifier = null;
        if (!failedUIDs.isEmpty()) {
            identifier = new DataSet();
            identifier.setString(Tag.FailedSOPInstanceUIDList, VR.UI, failedUIDs.toArray(new String[0]));
        }
        DataSet rsp = counts(status, status == Status.CANCEL);
        if (identifier != null) {
            rsp.setInt(Tag.CommandDataSetType, VR.US, 0);
        }
        String comment = null;
        if (status == Status.OUT_OF_RESOURCES_SUB_OPERATIONS) {
            comment = failureComment != null ? failureComment : "all " + failed + " sub-operations failed";
        } else if (status == Status.WARNING_SUB_OPERATIONS_COMPLETE_ONE_OR_MORE_FAILURES) {
            comment = failureComment;
        }
        association.respond(request, rsp, comment, identifier);
    }
}
