package org.gridpacs.dicom.net;

import java.util.Map;
import java.util.TreeMap;

import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;

/**
 * Counts the requests an SCP answered on one association, by command and outcome, so that the log can say
 * in one line what an association did (as dcm4chee-arc aggregates audit events per association).
 */
final class RequestTally {
    private final Map<String, int[]> counts = new TreeMap<>();

    /** Records a final response: counts[0] answered, counts[1] failed, counts[2] with a warning. */
    synchronized void record(int commandField, int status) {
        int[] c = counts.computeIfAbsent(CommandField.name(commandField & 0x7FFF), k -> new int[3]);
        c[0]++;
        if (Status.isFailure(status)) {
            c[1]++;
        } else if (Status.isWarning(status)) {
            c[2]++;
        }
    }

    /** For example "300 C-STORE-RQ (2 failed), 1 C-FIND-RQ"; "no requests" when there were none. */
    @Override
    public synchronized String toString() {
        if (counts.isEmpty()) {
            return "no requests";
        }
        StringBuilder sb = new StringBuilder();
        counts.forEach((name, c) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c[0]).append(' ').append(name.replace("-RQ", ""));
            if (c[1] > 0 || c[2] > 0) {
                sb.append(" (");
                if (c[1] > 0) {
                    sb.append(c[1]).append(" failed");
                }
                if (c[2] > 0) {
                    sb.append(c[1] > 0 ? ", " : "").append(c[2]).append(" with warnings");
                }
                sb.append(')');
            }
        });
        return sb.toString();
    }
}
