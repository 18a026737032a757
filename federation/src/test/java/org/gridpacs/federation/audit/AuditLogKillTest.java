package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What was acknowledged survives kill -9: a child JVM ({@link AuditLogKillChild}) appends and reports each append
 * that returned; it is killed (SIGKILL, no shutdown hook) while writing. Every acknowledged record reads back
 * whole, in order, without gaps; no torn record is returned; the log opens again and takes more.
 */
@ProcessTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AuditLogKillTest {
    private static final int ACKS = 200;

    @TempDir
    Path dir;

    @Test
    void acknowledgedRecordsSurviveKillDashNine() throws Exception {
        for (int round = 0; round < 2; round++) {
            int acked = runAndKill();
            System.out.println("audit log after kill -9: " + tornBytes() + " bytes of a torn record at the end");
            List<AuditRecord> records = AuditLogReader.readAll(dir);
            // whole and in order: each run writes P0, P1, ... so each run's records restart at P0
            int expected = 0;
            int runs = 0;
            for (AuditRecord r : records) {
                int n = Integer.parseInt(r.message().patient().orElseThrow().id().substring(1));
                if (n == 0) {
                    expected = 0;
                    runs++;
                }
                assertEquals(expected++, n, "a gap or a record out of order at " + r.segment() + ":" + r.offset());
                assertEquals(1 + n % 7, r.message().studies().get(0).instances());
            }
            assertEquals(round + 1, runs);
            // this run's records: every acknowledged one, and those the child appended while the kill was on its
            // way (whole and in order, checked above: nothing duplicated, nothing invented)
            assertTrue(expected >= acked, "acknowledged " + acked + ", read back " + expected);
        }
    }

    /** Bytes after the last intact record of the last segment (a record the kill cut). */
    private long tornBytes() throws Exception {
        List<Path> segments = AuditLogReader.segments(dir);
        Path last = segments.get(segments.size() - 1);
        long intact = 0;
        try (java.io.InputStream in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(last))) {
            LogFormat.Frame f;
            while ((f = LogFormat.next(in)) != null) {
                intact += f.size();
            }
        } catch (LogFormat.Torn e) {
            // what we measure
        }
        return java.nio.file.Files.size(last) - intact;
    }

    /** Runs the child until it acknowledged {@link #ACKS} appends, then SIGKILL; the highest acknowledged + 1. */
    private int runAndKill() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AuditLogKillChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int acked = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while (acked < ACKS && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    acked = Integer.parseInt(line.substring(4)) + 1;
                }
            }
            child.destroyForcibly(); // SIGKILL: the child is mid-append, or between two
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(ACKS, acked, "the child stopped acknowledging before it was killed");
        return acked;
    }
}
