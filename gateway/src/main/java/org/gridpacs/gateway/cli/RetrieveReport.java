package org.gridpacs.gateway.cli;

import java.io.PrintWriter;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;

/** Prints C-MOVE / C-GET progress (the sub-operation counts of pending responses) and the outcome. */
final class RetrieveReport {
    private RetrieveReport() {
    }

    static void pending(PrintWriter out, DimseResponse rsp) {
        out.printf("Pending: completed %d, remaining %d, failed %d, warning %d%n", count(rsp.completed()),
                count(rsp.remaining()), count(rsp.failed()), count(rsp.warning()));
    }

    /** Prints the final response; true when no sub-operation failed and the status is not a failure. */
    static boolean finished(PrintWriter out, String operation, DimseResponse rsp) {
        out.printf("%s finished: %s; completed %d, failed %d, warning %d%n", operation, rsp.describe(),
                count(rsp.completed()), count(rsp.failed()), count(rsp.warning()));
        DataSet ds = rsp.dataSet();
        if (ds != null) {
            for (String uid : ds.getStrings(Tag.FailedSOPInstanceUIDList)) {
                out.println("  failed: " + uid);
            }
        }
        int status = rsp.status();
        // 0xB000 also covers "completed with warnings only": then the failed count is what tells
        return (Status.isSuccess(status) || Status.isWarning(status)) && count(rsp.failed()) == 0;
    }

    /** Counts are optional in some responses: absent is zero. */
    private static int count(int n) {
        return Math.max(n, 0);
    }
}
