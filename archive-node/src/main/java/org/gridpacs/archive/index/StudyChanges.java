package org.gridpacs.archive.index;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The durable mark "this study's copies changed since the placement check last settled it": set in the transaction
 * that changes a location row, cleared by the check only if no change came after it read the mark (the sequence
 * number), so a change during a check is never lost, not even across a restart.
 */
final class StudyChanges {
    private StudyChanges() {
    }

    static void mark(Connection c, String studyInstanceUID) throws SQLException {
        if (Jdbc.update(c, "UPDATE study_change SET seq = seq + 1 WHERE study_uid = ?", studyInstanceUID) == 0) {
            // a concurrent first mark fails one transaction on the key; its retry updates the row
            Jdbc.update(c, "INSERT INTO study_change (study_uid, seq) VALUES (?, 1)", studyInstanceUID);
        }
    }
}
