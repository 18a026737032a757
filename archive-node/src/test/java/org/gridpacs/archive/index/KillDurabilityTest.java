package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a store acknowledged must survive kill -9 of the node: a child process inserts and reports each insert
 * that returned; it is killed (SIGKILL) mid-stream, and every reported instance must be in the index afterwards,
 * with the aggregates agreeing with the rows.
 */
class KillDurabilityTest {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedInsertSurvivesKillDashNine() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> acked = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (acked.size() < 300 && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(line.substring(4));
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no H2 close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(300, acked.size(), "the child stopped acknowledging before it was killed");

        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            for (String uid : acked) {
                assertTrue(index.find(uid).isPresent(), uid + " was acknowledged but is not indexed");
            }
            long rows = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            assertTrue(rows >= acked.size());
            assertEquals(rows, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT num_instances FROM study")));
            assertEquals(rows, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM location")));
        }
    }
}
