package org.gridpacs.replication.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.outbox.Outbox.Kind;
import org.gridpacs.replication.outbox.Outbox.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outbox table comes from the replication module's migrations, and an outbox made before them is kept. */
class OutboxMigrationTest {
    @TempDir
    Path dir;

    /**
     * The index as a clustered node of the release before migrations per module left it: the archive's schema
     * with its versions in {@code schema_version}, and the outbox table that {@code Outbox} created, with a backlog.
     */
    private void indexBeforeMigrations() throws SQLException {
        try (Connection c = DriverManager.getConnection(IndexDatabase.h2FileUrl(dir), "sa", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL,"
                    + " applied TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            s.execute("RUNSCRIPT FROM 'classpath:/org/gridpacs/archive/index/db/V1__schema.sql'");
            s.execute("INSERT INTO schema_version (version, script) VALUES (1, 'V1__schema.sql')");
            s.execute("RUNSCRIPT FROM 'classpath:/org/gridpacs/replication/outbox/outbox-before-migrations.sql'");
        }
    }

    @Test
    void anOutboxMadeBeforeMigrationsKeepsItsBacklog() throws Exception {
        indexBeforeMigrations();
        Task first = new Task(1, "node-b", Kind.COPY, "1.2.3.4", "1.2/1.2.3.4");
        Task third = new Task(3, "node-b", Kind.DROP, "1.2.3.5", null);
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            assertEquals(8, db.schemaVersion(), "the archive migrated on to its latest script (V8)");
            assertEquals(3, db.schemaVersion("replication"));
            Outbox outbox = new Outbox(db);
            assertEquals(2, outbox.backlog("node-b"));
            assertEquals(List.of(first, third), outbox.next("node-b", 10));
            // the identity column carries on after the old rows
            assertEquals(java.util.Map.of("node-c", 4L), outbox.add(List.of("node-c"), Kind.DROP, "1.2.3.4", null));
            outbox.done(List.of(first));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            Outbox outbox = new Outbox(db);
            assertEquals(List.of(third), outbox.next("node-b", 10));
            assertEquals(2, outbox.backlog("node-c"));
            assertEquals(1L, (long) db.<Long>read(c -> Jdbc.queryLong(c,
                    "SELECT COUNT(*) FROM \"schema_history_replication\" WHERE \"version\" = '1' AND \"success\"")));
        }
    }

    @Test
    void aNewIndexGetsTheOutboxFromReplicationsMigrations() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            assertEquals(3, db.schemaVersion("replication"));
            Outbox outbox = new Outbox(db);
            long pk = outbox.add(List.of("node-b"), Kind.COPY, "1.2.3.4", "k").get("node-b");
            assertTrue(outbox.isQueued(pk));
            assertEquals(List.of(new Task(pk, "node-b", Kind.COPY, "1.2.3.4", "k")), outbox.next("node-b", 10));
        }
        // opened with the archive's migrations only (as a tool may), the outbox and its rows stay
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(1L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM replication_outbox")));
        }
    }

    @Test
    void replicationRefusesAnIndexOpenedWithoutItsMigrations() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new Replication(null, null, null, null, db, null, null, null));
            assertTrue(e.getMessage().contains("Replication.SCHEMA"), e.getMessage());
        }
    }
}
