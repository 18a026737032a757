package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void migrationsCreateTheSchemaOnceAndASecondOpenDoesNotRunThemAgain() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(MigrationsTest.CURRENT, db.schemaVersion());
            Set<String> tables = db.read(c -> {
                Set<String> names = new HashSet<>();
                try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    while (rs.next()) {
                        names.add(rs.getString("TABLE_NAME").toLowerCase());
                    }
                }
                return names;
            });
            assertTrue(tables.containsAll(Set.of("schema_history_archive", "patient", "study", "series", "instance", "location")),
                    tables.toString());
            db.inTransaction(c -> Jdbc.insert(c, "INSERT INTO patient (patient_id, created) VALUES ('P1', CURRENT_TIMESTAMP)"));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(MigrationsTest.CURRENT, db.schemaVersion());
            assertEquals(MigrationsTest.ARCHIVE_HISTORY, MigrationsTest.history(db.dataSource(), SchemaMigrations.ARCHIVE));
            // had V1 run again, CREATE TABLE would have failed; the committed row is still there
            assertEquals(1L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM patient WHERE patient_id = 'P1'")));
        }
    }

    @Test
    void transientFailuresAreRetriedOthersAreNot() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            AtomicInteger runs = new AtomicInteger();
            int result = db.inTransaction(c -> {
                if (runs.incrementAndGet() < 3) {
                    throw new SQLException("deadlock", "40001");
                }
                return 7;
            });
            assertEquals(7, result);
            assertEquals(3, runs.get());

            runs.set(0);
            assertThrows(SQLException.class, () -> db.inTransaction(c -> {
                runs.incrementAndGet();
                throw new SQLException("syntax", "42000");
            }));
            assertEquals(1, runs.get());

            // a unique violation is retried only when the caller asks
            runs.set(0);
            assertThrows(SQLException.class, () -> db.inTransaction(c -> {
                runs.incrementAndGet();
                throw new SQLException("duplicate", "23505");
            }));
            assertEquals(1, runs.get());
            runs.set(0);
            assertEquals("ok", db.inTransaction(c -> {
                if (runs.incrementAndGet() == 1) {
                    throw new SQLException("duplicate", "23505");
                }
                return "ok";
            }, true));
        }
    }

    @Test
    void aFailedAttemptLeavesNothingBehind() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            AtomicInteger runs = new AtomicInteger();
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("INSERT INTO patient (patient_id, created) VALUES ('P" + runs.get() + "', CURRENT_TIMESTAMP)");
                }
                if (runs.incrementAndGet() == 1) {
                    throw new SQLException("lock timeout", "HYT00");
                }
                return null;
            });
            assertEquals(1L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM patient")));
            assertEquals(1L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM patient WHERE patient_id = 'P1'")));
        }
    }
}
