package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.gridpacs.dicom.data.DataSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index an installation already has opens with the H2 of this build: the fixture index-h2-2.3.232.mv.db was
 * written by H2 2.3.232 (what installations ran before issue 13; schema V3, the study 9.9.1 with three CT
 * instances, closed with SHUTDOWN COMPACT). H2 refuses a file of another MVStore write format ("The write format N is smaller than the
 * supported format"), as 2.2 did with 2.1's files: then an upgrade needs an export (SCRIPT) with the old jar and
 * an import (RUNSCRIPT) with the new one, and this test says so before an installation finds out.
 */
class H2FileCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void anIndexWrittenByH2_2_3_232OpensMigratesAndTakesNewInstances() throws Exception {
        try (InputStream fixture = getClass().getResourceAsStream("index-h2-2.3.232.mv.db")) {
            Files.copy(fixture, dir.resolve("index.mv.db"));
        }
        TestInstances.Study study = new TestInstances.Study("P1", "Patient^One", null, "9.9.1", "20240101",
                "000000", "A1", null, List.of("CT"), Integer.MAX_VALUE);
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(MigrationsTest.CURRENT, db.schemaVersion());
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            for (int i = 0; i < 3; i++) {
                assertTrue(index.find(study.sopUID(0, i)).isPresent(), "instance " + i + " of the old index");
            }
            DataSet fourth = study.instance(0, 3);
            assertTrue(index.insert(TestInstances.header(fourth), TestInstances.object("k3"), "CHECK"));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(4L, (long) db.<Long>read(c -> Jdbc.queryLong(c,
                    "SELECT num_instances FROM study WHERE study_uid = '9.9.1'")));
        }
    }
}
