package org.gridpacs.gateway.node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.replication.conflict.Conflict;
import org.gridpacs.replication.conflict.ConflictRecords;
import org.gridpacs.web.viewer.ConflictsHandler;

/** Replication's conflict records as {@code /api/conflicts} shows them. */
final class ConflictsView implements ConflictsHandler.Records {
    private final ConflictRecords records;

    ConflictsView(ConflictRecords records) {
        this.records = records;
    }

    @Override
    public List<Map<String, Object>> list(boolean openOnly) throws Exception {
        return records.list(openOnly).stream().map(ConflictsView::row).toList();
    }

    @Override
    public boolean close(long id) throws Exception {
        return records.close(id);
    }

    private static Map<String, Object> row(Conflict c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.pk());
        m.put("sopInstanceUID", c.sopInstanceUID());
        m.put("studyInstanceUID", c.studyInstanceUID());
        m.put("policy", c.policy());
        m.put("winner", Map.of("checksum", c.winnerChecksum(), "received", String.valueOf(c.winnerReceived()),
                "nodes", c.winnerNodes()));
        m.put("loser", Map.of("checksum", c.loserChecksum(), "received", String.valueOf(c.loserReceived()),
                "nodes", c.loserNodes()));
        // this node's kept-aside copy: the key in its home storage (storage.uri), null when it held none
        m.put("keptAsideKey", c.loserKey());
        m.put("keptAsideSize", c.loserSize());
        m.put("detected", c.detected().toString());
        m.put("state", c.state());
        return m;
    }
}
