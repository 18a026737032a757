package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.archive.commitment.CommitmentRequests;
import org.gridpacs.archive.commitment.CommitmentService;
import org.gridpacs.archive.commitment.ReferencedSop;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * Storage Commitment Push Model SCP, N-ACTION side (PS3.4 J.3.2): checks the request, has the
 * {@link CommitmentService} record it, and acknowledges; the result follows later as an N-EVENT-REPORT (from
 * {@link DimseCommitmentReporter}). Whoever may store here may ask for commitment.
 */
public final class StorageCommitmentScp implements Handlers.AfterResponse {
    /** Action Type ID (0000,1008) of "Request Storage Commitment". */
    public static final int REQUEST_STORAGE_COMMITMENT = 1;
    private static final int NO_SUCH_SOP_INSTANCE = 0x0112;
    private static final int MISSING_ATTRIBUTE = 0x0120;
    private static final int MISSING_ATTRIBUTE_VALUE = 0x0121;

    private final CommitmentService service;
    private final DimseCommitmentReporter reporter;
    private final ApplicationEntities entities;
    /** This node's name in the cluster (its AE title when alone): who received the request. */
    private final String nodeName;

    public StorageCommitmentScp(CommitmentService service, DimseCommitmentReporter reporter,
                                ApplicationEntities entities, String nodeName) {
        this.service = service;
        this.reporter = reporter;
        this.entities = entities;
        this.nodeName = nodeName;
    }

    @Override
    public DataSet handle(DimseRequest request, DataSet information) throws DimseException, IOException {
        String requester = request.callingAETitle();
        if (!UID.StorageCommitmentPushModel.equals(request.sopClassUID())) {
            throw new DimseException(Status.NO_SUCH_SOP_CLASS, "N-ACTION is answered for Storage Commitment only");
        }
        if (!entities.mayStore(requester)) {
            throw new DimseException(Status.NOT_AUTHORIZED, requester + " may not store here, nor ask for commitment");
        }
        if (!UID.StorageCommitmentPushModelInstance.equals(request.sopInstanceUID())) {
            throw new DimseException(NO_SUCH_SOP_INSTANCE, "the Requested SOP Instance must be "
                    + UID.StorageCommitmentPushModelInstance);
        }
        int action = request.command().getInt(Tag.ActionTypeID, -1);
        if (action != REQUEST_STORAGE_COMMITMENT) {
            throw new DimseException(Status.NO_SUCH_ACTION_TYPE, "Action Type ID " + action + " is not 1");
        }
        String transactionUID = information.getString(Tag.TransactionUID);
        if (transactionUID == null || transactionUID.isBlank()) {
            throw new DimseException(MISSING_ATTRIBUTE, "no Transaction UID (0008,1195)");
        }
        CommitmentRequest commitment = new CommitmentRequest(transactionUID.strip(), requester,
                request.calledAETitle(), nodeName, System.currentTimeMillis(), referenced(information));
        CommitmentRequests.Added added;
        try {
            added = service.accept(commitment);
        } catch (SQLException e) {
            throw new IOException("cannot record the commitment request: " + e.getMessage(), e);
        }
        if (added == CommitmentRequests.Added.CONFLICT) {
            throw new DimseException(Status.PROCESSING_FAILURE, "Transaction UID in use by another request (0x0131)");
        }
        reporter.attach(commitment.transactionUID(), request.association());
        return null;
    }

    @Override
    public void responded(DimseRequest request, DataSet information) {
        service.acknowledged(information.getString(Tag.TransactionUID, "").strip());
    }

    private static List<ReferencedSop> referenced(DataSet information) throws DimseException {
        Sequence seq = information.getSequence(Tag.ReferencedSOPSequence);
        if (seq == null || seq.isEmpty()) {
            throw new DimseException(MISSING_ATTRIBUTE, "no Referenced SOP Sequence (0008,1199) items");
        }
        List<ReferencedSop> out = new ArrayList<>(seq.size());
        for (DataSet item : seq) {
            String cls = item.getString(Tag.ReferencedSOPClassUID);
            String inst = item.getString(Tag.ReferencedSOPInstanceUID);
            if (cls == null || inst == null) {
                throw new DimseException(MISSING_ATTRIBUTE_VALUE,
                        "a Referenced SOP Sequence item without SOP Class or Instance UID");
            }
            out.add(new ReferencedSop(cls.strip(), inst.strip()));
        }
        return out;
    }
}
