package org.gridpacs.replication.commitment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.archive.commitment.ReferencedSop;

/**
 * A commitment request between nodes, as UTF-8 text: a first line of tab-separated Transaction UID, requester AE,
 * called AE, receiving node and receipt time (epoch ms), then one line per instance: SOP Class UID TAB SOP Instance
 * UID. (AE titles hold no tab, UIDs no whitespace.)
 */
final class CommitmentWire {
    private CommitmentWire() {
    }

    static String encode(CommitmentRequest r) {
        StringBuilder sb = new StringBuilder(128 + r.instances().size() * 96);
        sb.append(r.transactionUID()).append('\t').append(r.requesterAE()).append('\t').append(r.calledAE())
                .append('\t').append(r.receivedBy()).append('\t').append(r.receivedAt()).append('\n');
        for (ReferencedSop sop : r.instances()) {
            sb.append(sop.sopClassUID()).append('\t').append(sop.sopInstanceUID()).append('\n');
        }
        return sb.toString();
    }

    static CommitmentRequest decode(String text) throws IOException {
        String[] lines = text.split("\n");
        String[] head = lines[0].split("\t", -1);
        if (head.length != 5) {
            throw new IOException("not a commitment request: its first line has " + head.length + " fields, not 5");
        }
        List<ReferencedSop> items = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] f = lines[i].split("\t", -1);
            if (f.length != 2) {
                throw new IOException("not a commitment request: line " + (i + 1) + " is not class TAB instance");
            }
            items.add(new ReferencedSop(f[0], f[1]));
        }
        try {
            return new CommitmentRequest(head[0], head[1], head[2], head[3], Long.parseLong(head[4]), items);
        } catch (NumberFormatException e) {
            throw new IOException("not a commitment request: bad receipt time " + head[4]);
        }
    }
}
