package org.gridpacs.archive.commitment;

import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Sequence;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/** What a check of a request found: the instances committed and those that failed, with their reasons. */
public record CommitmentResult(String transactionUID, List<ReferencedSop> committed, List<Failed> failed) {
    /** Event Type ID (0000,1002) of the report: all committed. */
    public static final int ALL_SUCCESS = 1;
    /** Event Type ID of the report: some failed. */
    public static final int FAILURES_EXIST = 2;

    public record Failed(ReferencedSop instance, int reason) {
    }

    public CommitmentResult {
        committed = List.copyOf(committed);
        failed = List.copyOf(failed);
    }

    public int eventTypeID() {
        return failed.isEmpty() ? ALL_SUCCESS : FAILURES_EXIST;
    }

    /** The Event Information of the N-EVENT-REPORT (PS3.4 J.3.3.1.1); {@code retrieveAE} where to fetch them. */
    public DataSet eventInformation(String retrieveAE) {
        DataSet ds = new DataSet();
        ds.setString(Tag.TransactionUID, VR.UI, transactionUID);
        ds.setString(Tag.RetrieveAETitle, VR.AE, retrieveAE);
        if (!committed.isEmpty()) {
            Sequence seq = ds.newSequence(Tag.ReferencedSOPSequence);
            for (ReferencedSop sop : committed) {
                DataSet item = seq.addItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, sop.sopClassUID());
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, sop.sopInstanceUID());
            }
        }
        if (!failed.isEmpty()) {
            Sequence seq = ds.newSequence(Tag.FailedSOPSequence);
            for (Failed f : failed) {
                DataSet item = seq.addItem();
                item.setString(Tag.ReferencedSOPClassUID, VR.UI, f.instance().sopClassUID());
                item.setString(Tag.ReferencedSOPInstanceUID, VR.UI, f.instance().sopInstanceUID());
                item.setInt(Tag.FailureReason, VR.US, f.reason());
            }
        }
        return ds;
    }
}
