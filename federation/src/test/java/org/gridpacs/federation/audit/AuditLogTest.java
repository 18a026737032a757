package org.gridpacs.federation.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local log: written, read back, filtered, rotated, torn tails ignored and cut, one writer. */
class AuditLogTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void recordsReadBackInOrderAndFilterByTimeAndEvent() throws Exception {
        try (AuditLog log = new AuditLog(dir, 1 << 20, 0, true)) {
            for (int i = 0; i < 10; i++) {
                log.append(Samples.transfer(Samples.messages(T0.plusSeconds(60L * i)), i, 3));
            }
            log.append(Samples.messages(T0.plusSeconds(30)).query(Samples.SITE_A, Samples.SITE_B,
                    Samples.STUDY_ROOT_FIND, new byte[] {1, 2}, null, Outcome.SUCCESS, null));
        }
        List<AuditRecord> all = AuditLogReader.readAll(dir);
        assertEquals(11, all.size());
        assertEquals("P0", all.get(0).message().patient().orElseThrow().id());
        assertEquals(3, all.get(9).message().studies().get(0).instances());

        List<AuditRecord> some = AuditLogReader.read(dir, T0.plusSeconds(120), T0.plusSeconds(300),
                Set.of(AuditEvent.INSTANCES_TRANSFERRED));
        assertEquals(List.of("P2", "P3", "P4"), some.stream()
                .map(r -> r.message().patient().orElseThrow().id()).toList());
        assertEquals(1, AuditLogReader.read(dir, null, null, Set.of(AuditEvent.QUERY)).size());
    }

    @Test
    void aTornTailIsNeverReturnedAndNewRecordsGoToANewSegment() throws Exception {
        try (AuditLog log = new AuditLog(dir, 1 << 20, 0, true)) {
            for (int i = 0; i < 5; i++) {
                log.append(Samples.transfer(Samples.messages(T0), i, 1));
            }
        }
        Path segment = dir.resolve("audit-000001.log");
        long intact = Files.size(segment);
        // what a crash in the middle of the sixth record's write leaves: its first half
        byte[] sixth = LogFormat.frame(T0.toEpochMilli(), "110104",
                AuditXml.write(Samples.transfer(Samples.messages(T0), 5, 1)));
        Files.write(segment, Arrays.copyOf(sixth, sixth.length / 2), StandardOpenOption.APPEND);
        assertEquals(5, AuditLogReader.readAll(dir).size());

        // a damaged byte inside a whole record: the CRC refuses it (and what follows in that segment)
        byte[] bytes = Files.readAllBytes(segment);
        int inFourth = (int) (intact * 7 / 10);
        bytes[inFourth] ^= 0x01;
        Path copy = Files.createDirectories(dir.resolve("damaged"));
        Files.write(copy.resolve("audit-000001.log"), bytes);
        List<AuditRecord> upToDamage = AuditLogReader.readAll(copy);
        assertTrue(upToDamage.size() < 5 && upToDamage.size() >= 3, upToDamage.size() + " records");

        long torn = Files.size(segment);
        try (AuditLog log = new AuditLog(dir, 1 << 20, 0, true)) {
            log.append(Samples.transfer(Samples.messages(T0), 6, 1));
        }
        assertEquals(torn, Files.size(segment), "nothing is cut from a segment");
        assertEquals(List.of(segment, dir.resolve("audit-000002.log")), AuditLogReader.segments(dir));
        List<AuditRecord> after = AuditLogReader.readAll(dir);
        assertEquals(List.of("P0", "P1", "P2", "P3", "P4", "P6"), after.stream()
                .map(r -> r.message().patient().orElseThrow().id()).toList());
    }

    @Test
    void segmentsRotateAndTheOldestGoBeyondTheLimit() throws Exception {
        try (AuditLog log = new AuditLog(dir, 4096, 3, false)) {
            for (int i = 0; i < 40; i++) {
                log.append(Samples.transfer(Samples.messages(T0.plusSeconds(i)), i, 1));
            }
        }
        List<Path> segments = AuditLogReader.segments(dir);
        assertEquals(3, segments.size(), segments.toString());
        for (Path s : segments) {
            assertTrue(Files.size(s) <= 4096, s + " " + Files.size(s));
        }
        List<AuditRecord> kept = AuditLogReader.readAll(dir);
        assertTrue(kept.size() > 3 && kept.size() < 40, kept.size() + " records kept");
        assertEquals("P39", kept.get(kept.size() - 1).message().patient().orElseThrow().id());
        // what is kept is the newest, without a gap
        int first = Integer.parseInt(kept.get(0).message().patient().orElseThrow().id().substring(1));
        assertEquals(40 - first, kept.size());
    }

    @Test
    void concurrentAppendsAreAllDurableAndShareForces() throws Exception {
        int threads = 8;
        int each = 25;
        long single;
        try (AuditLog log = new AuditLog(dir.resolve("single"), 1 << 20, 0, true)) {
            long t = System.nanoTime();
            for (int i = 0; i < each; i++) {
                log.append(Samples.transfer(Samples.messages(T0), i, 1));
            }
            single = (System.nanoTime() - t) / each;
        }
        long concurrent;
        try (AuditLog log = new AuditLog(dir.resolve("many"), 16 * 1024, 0, true)) { // rotating meanwhile too
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            long t = System.nanoTime();
            for (int k = 0; k < threads; k++) {
                int thread = k;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.append(Samples.transfer(Samples.messages(T0), thread * 1000 + i, 1));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
            concurrent = (System.nanoTime() - t) / (threads * each);
            pool.shutdown();
        }
        assertEquals(threads * each, AuditLogReader.readAll(dir.resolve("many")).size());
        System.out.printf("audit append with fsync: %.2f ms alone, %.2f ms per record with %d threads%n",
                single / 1e6, concurrent / 1e6, threads);
    }

    @Test
    void oneWriterPerFolder() throws Exception {
        try (AuditLog log = new AuditLog(dir, 1 << 20, 0, true)) {
            IOException e = assertThrows(IOException.class, () -> new AuditLog(dir, 1 << 20, 0, true));
            assertTrue(e.getMessage().contains("writes the audit log in " + dir), e.getMessage());
        }
        new AuditLog(dir, 1 << 20, 0, true).close(); // released on close
    }

    @Test
    void theNodesTrailFromItsSettingsFile() throws Exception {
        Path conf = dir.resolve("audit.properties");
        Files.writeString(conf, "audit.log.dir = logs/audit\naudit.log.segment-mb = 1\n");
        Path data = dir.resolve("node1");
        try (AuditTrails trail = AuditTrails.open(conf, data)) {
            trail.record(Samples.transfer(Samples.messages(T0), 1, 2));
        }
        assertEquals(1, AuditLogReader.readAll(data.resolve("logs/audit")).size());
        Files.writeString(conf, "audit.enabled = false\n");
        try (AuditTrails trail = AuditTrails.open(conf, dir.resolve("node2"))) {
            trail.record(Samples.transfer(Samples.messages(T0), 1, 2));
        }
        assertTrue(!Files.exists(dir.resolve("node2/audit")), "audit off: no log");
        Files.writeString(conf, "audit.log.fsync = perhaps\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditTrails.open(conf, data));
        assertEquals(conf + ": audit.log.fsync must be true or false, not 'perhaps'", e.getMessage());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("audit.log.segment-mb", "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuditSettings.of(p, dir));
        assertEquals("audit.log.segment-mb must be a whole number, not 'lots'", e.getMessage());
        p.setProperty("audit.log.segment-mb", "8");
        p.setProperty("audit.syslog.enabled", "true");
        e = assertThrows(IllegalArgumentException.class, () -> AuditSettings.of(p, dir));
        assertTrue(e.getMessage().startsWith("audit.syslog.host is required"), e.getMessage());
        AuditSettings d = AuditSettings.defaults(dir);
        assertEquals(dir.resolve("audit"), d.logDir());
        assertEquals(64L << 20, d.segmentBytes());
    }
}
