package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
    static final TestInstances.Study STUDY = new TestInstances.Study("PID1", "Doe^Jane", "19800101", "1.2.3.1",
            "20240115", "101500", "ACC1", "CT chest", List.of("CT", "SR"), 3);
    /** The archive's latest script (db/V8__...); testdb/newer holds copies of every script, then one more. */
    static final int CURRENT = 8;
    /** The version of testdb/newer's extra script (a release after this one). */
    static final int NEWER_VERSION = CURRENT + 1;
    /** The archive's scripts, as a new index's history lists them. */
    static final List<String> ARCHIVE_HISTORY = List.of("1 SQL", "3 SQL", "4 SQL", "5 JDBC", "6 SQL", "7 SQL", "8 SQL");
    static final SchemaMigrations NEWER = SchemaMigrations.of("archive", MigrationsTest.class,
            "org/gridpacs/archive/index/testdb/newer");
    static final SchemaMigrations EXTRA = SchemaMigrations.of("extra", MigrationsTest.class,
            "org/gridpacs/archive/index/testdb/extra");

    @TempDir
    Path dir;

    /** The versions in a module's history and their kinds (SQL, BASELINE), in the order applied. */
    static List<String> history(javax.sql.DataSource ds, SchemaMigrations m) {
        return java.util.Arrays.stream(Migrations.configure(ds, m).load().info().applied())
                .map(i -> i.getVersion() + " " + i.getType()).toList();
    }

    /** A plain data source on the index file, without a pool and without migrations. */
    private JdbcDataSource plain() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(IndexDatabase.h2FileUrl(dir));
        ds.setUser("sa");
        ds.setPassword("");
        return ds;
    }

    /** Makes the index as the release before Flyway did, and stores the study in it with the index's own writer. */
    private void indexBeforeFlyway() throws SQLException {
        JdbcDataSource ds = plain();
        assertEquals(1, MigrationsBeforeFlyway.migrate(ds));
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            // rows as that release wrote them (today's writer needs today's columns)
            OffsetDateTime now = OffsetDateTime.now();
            long patient = Jdbc.insert(c, "INSERT INTO patient (patient_id, patient_name, created) VALUES (?, ?, ?)",
                    "PID1", "Doe^Jane", now);
            long study = Jdbc.insert(c, "INSERT INTO study (patient_fk, study_uid, num_series, num_instances, created,"
                    + " updated) VALUES (?, ?, 2, 6, ?, ?)", patient, STUDY.studyUID(), now, now);
            java.util.Map<String, Long> series = new java.util.HashMap<>();
            for (DataSet instance : STUDY.instances()) {
                InstanceHeader h = TestInstances.header(instance);
                long se = series.computeIfAbsent(h.seriesInstanceUID(), uid -> {
                    try {
                        return Jdbc.insert(c, "INSERT INTO series (study_fk, series_uid, modality, num_instances,"
                                + " created, updated) VALUES (?, ?, ?, 3, ?, ?)", study, uid, h.modality(), now, now);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                long pk = Jdbc.insert(c, "INSERT INTO instance (series_fk, sop_uid, sop_class_uid, transfer_syntax,"
                        + " source_aet, received, header) VALUES (?, ?, ?, ?, ?, ?, ?)", se, h.sopInstanceUID(),
                        h.sopClassUID(), h.transferSyntaxUID(), "MODALITY", now, h.encodedHeader());
                var o = TestInstances.object(h.sopInstanceUID());
                Jdbc.insert(c, "INSERT INTO location (instance_fk, storage_id, storage_key, object_size, checksum,"
                        + " created) VALUES (?, ?, ?, ?, ?, ?)", pk, o.storageId(), o.key(), o.size(), o.checksum(), now);
            }
            c.commit();
        }
    }

    @Test
    void anIndexMadeBeforeFlywayOpensWithEverythingInIt() throws Exception {
        indexBeforeFlyway();
        for (int open = 0; open < 2; open++) {
            try (IndexDatabase db = IndexDatabase.openH2(dir)) {
                assertEquals(CURRENT, db.schemaVersion());
                // baselined at the version schema_version named: V1 did not run again (it would have failed)
                assertEquals(List.of("1 BASELINE", "3 SQL", "4 SQL", "5 JDBC", "6 SQL", "7 SQL", "8 SQL"), history(db.dataSource(), SchemaMigrations.ARCHIVE));
                // migration 5 gave the old study its bucket and computed the digests of its copies
                long expected = 6L + 3 * open;
                db.read(c -> {
                    assertEquals(expected, CopyBuckets.stored(c).values().stream().mapToLong(CopyBuckets.Sum::copies)
                            .sum());
                    assertEquals(CopyBuckets.recompute(c), CopyBuckets.stored(c));
                    return null;
                });
                assertEquals(6L + 3 * open, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance")));
                SqlInstanceIndex index = new SqlInstanceIndex(db);
                IndexedInstance found = index.find(STUDY.sopUID(1, 2)).orElseThrow();
                assertEquals(STUDY.studyUID(), found.studyInstanceUID());
                assertEquals(STUDY.seriesUID(1), found.seriesInstanceUID());
                assertEquals(List.of(new IndexedInstance.Location("fs1", STUDY.sopUID(1, 2), 1000 + STUDY.sopUID(1, 2).length(),
                        "crc32c:0badcafe", "OK")), found.locations());
                assertEquals(6L + 3 * open, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT num_instances FROM study")));
                if (open == 0) {
                    // and it goes on: a third series in the old study, the identity columns carrying on
                    TestInstances.Study more = new TestInstances.Study("PID1", "Doe^Jane", "19800101", "1.2.3.1",
                            "20240115", "101500", "ACC1", "CT chest", List.of("CT", "SR", "MR"), 3);
                    for (int i = 0; i < 3; i++) {
                        DataSet ds = more.instance(2, i);
                        assertTrue(index.insert(TestInstances.header(ds),
                                TestInstances.object(ds.getString(Tag.SOPInstanceUID)), "MODALITY"));
                    }
                }
            }
        }
        // the old table is left as it was
        try (Connection c = plain().getConnection()) {
            assertEquals(1L, (long) Jdbc.queryLong(c, "SELECT MAX(version) FROM schema_version"));
        }
    }

    @Test
    void aScriptAddedAfterTheBaselineRunsOnAnIndexMadeBeforeFlyway() throws Exception {
        indexBeforeFlyway();
        JdbcDataSource ds = plain();
        assertEquals(java.util.Map.of("archive", NEWER_VERSION), Migrations.migrate(ds, List.of(NEWER)));
        assertEquals(List.of("1 BASELINE", "3 SQL", "4 SQL", "5 JDBC", "6 SQL", "7 SQL", "8 SQL", NEWER_VERSION + " SQL"),
                history(ds, NEWER));
        try (Connection c = ds.getConnection()) {
            assertEquals(6L, (long) Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            assertEquals(1L, (long) Jdbc.queryLong(c, "SELECT COUNT(*) FROM study WHERE note IS NULL"));
        }
    }

    @Test
    void anIndexWithANewerSchemaThanThisBuildKnowsIsRefused() throws Exception {
        IndexDatabase.openH2(dir).close();
        assertEquals(java.util.Map.of("archive", NEWER_VERSION), Migrations.migrate(plain(), List.of(NEWER)));
        SQLException e = assertThrows(SQLException.class, () -> IndexDatabase.openH2(dir));
        assertTrue(e.getMessage().contains("archive schema is at version " + NEWER_VERSION
                + ", newer than this build knows (" + CURRENT + ")"),
                e.getMessage());
        // refused, not changed: the newer release still opens it
        assertEquals(java.util.Map.of("archive", NEWER_VERSION), Migrations.migrate(plain(), List.of(NEWER)));
    }

    @Test
    void aModuleContributesItsOwnScriptsWithItsOwnHistory() throws Exception {
        IndexDatabase.openH2(dir).close();
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(EXTRA))) {
            assertEquals(CURRENT, db.schemaVersion());
            assertEquals(2, db.schemaVersion("extra"));
            assertEquals(0, db.schemaVersion("nobody"));
            // the module's V1 and V2 are its own, beside the archive's V1
            assertEquals(List.of("0 BASELINE", "1 SQL", "2 SQL"), history(db.dataSource(), EXTRA));
            assertEquals(ARCHIVE_HISTORY, history(db.dataSource(), SchemaMigrations.ARCHIVE));
            assertEquals(0L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM extra_mark")));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(EXTRA))) {
            assertEquals(2, db.schemaVersion("extra"));
        }
        // a module given twice is a wiring mistake
        assertThrows(IllegalArgumentException.class, () -> IndexDatabase.openH2(dir, List.of(EXTRA, EXTRA)));
    }

    @Test
    void aModuleWhoseFolderIsMissingIsAnError() {
        SchemaMigrations missing = SchemaMigrations.of("missing", MigrationsTest.class, "org/gridpacs/nothing/here");
        assertThrows(SQLException.class, () -> IndexDatabase.openH2(dir, List.of(missing)));
    }
}
