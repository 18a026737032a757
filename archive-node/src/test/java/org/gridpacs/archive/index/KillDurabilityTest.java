package org.gridpacs.archive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.repair.StartupRepair;
import org.gridpacs.archive.storage.Checksums;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * What was acknowledged must survive kill -9: a child process ({@link KillChild}) works and reports each call
 * that returned; it is killed (SIGKILL: no shutdown hook, no H2 close) mid-stream, and everything reported must
 * be there afterwards, in a consistent index.
 * <ul>
 * <li>The index alone, four threads inserting: every insert that returned is in the database when it is opened
 *     again; every transaction is there whole or not at all (the aggregates agree with the rows, every instance
 *     has its location, every index of every table holds what its table holds).</li>
 * <li>The store path as the node runs it (StoreService, FileSystemStorage with fsync, the node's index
 *     settings), then the startup repair the node runs before serving: every acknowledged store is indexed with
 *     the object acknowledged last (replacements included), whose file is there with its size and checksum.</li>
 * </ul>
 * With H2's default write delay instead of WRITE_DELAY=0, the first case fails now and then (a transaction
 * recovered half applied): see {@link IndexDatabase#H2_SETTINGS}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ProcessTest
class KillDurabilityTest {
    private static final int ACKS = 300;

    @TempDir
    Path dir;

    @Test
    void everyWrittenTransactionSurvivesKillDashNine() throws Exception {
        Map<String, String> acked = runAndKill("index");
        try (IndexDatabase db = IndexDatabase.openH2(dir.resolve("index"))) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            for (String uid : acked.keySet()) {
                assertTrue(index.find(uid).isPresent(), uid + " was acknowledged but is not indexed");
            }
            long rows = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            assertTrue(rows >= acked.size());
            assertConsistent(db, rows);
        }
    }

    /** Aggregates, locations and every table's indexes agree with the instance rows. */
    private static void assertConsistent(IndexDatabase db, long rows) throws Exception {
        assertEquals(rows, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT num_instances FROM study")),
                "the study's Number of Study Related Instances against its instance rows (a transaction recovered half"
                + " applied)");
        assertEquals(rows, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT SUM(num_instances) FROM series")),
                "the series' instance counts against the instance rows");
        assertEquals(rows, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM location")),
                "locations against instance rows");
        assertEquals(0L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance i"
                + " WHERE NOT EXISTS (SELECT 1 FROM location l WHERE l.instance_fk = i.pk)")));
        // an update of every row goes through every index of its table: one missing an entry fails it
        db.read(c -> {
            for (String table : List.of("patient", "study", "series", "instance", "location")) {
                Jdbc.update(c, "UPDATE " + table + " SET pk = pk");
            }
            return null;
        });
    }

    @Test
    void everyAcknowledgedStoreIsIndexedAfterKillDashNineAndRepair() throws Exception {
        Map<String, String> acked = runAndKill("store");
        FileSystemStorage storage = new FileSystemStorage(KillChild.STORAGE_ID, dir.resolve("storage"), true);
        try (IndexDatabase db = IndexDatabase.openH2(dir.resolve("index"))) {
            long before = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            StartupRepair.Result repair = new StartupRepair(index, storage).run();
            System.out.println("kill -9 after " + acked.size() + " acknowledged instances: " + before
                    + " in the index when opened again, then " + repair.summary());
            assertEquals(0, repair.entriesWithoutFile(), "index entries without their file");
            assertEquals(0, repair.unreadableFiles());
            for (Map.Entry<String, String> a : acked.entrySet()) {
                IndexedInstance instance = index.find(a.getKey()).orElse(null);
                assertTrue(instance != null, a.getKey() + " was acknowledged but is not indexed");
                assertEquals(1, instance.locations().size(), a.getKey());
                IndexedInstance.Location l = instance.locations().get(0);
                assertEquals(a.getValue(), l.checksum(), a.getKey() + ": not the object acknowledged last");
                assertEquals("OK", l.status());
                assertEquals(l.checksum(), checksumOf(storage, l.storageKey()), a.getKey() + ": its file differs");
            }
            long rows = db.read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM instance"));
            assertTrue(rows >= acked.size());
            assertConsistent(db, rows);
            List<String> files = new ArrayList<>();
            storage.list(o -> files.add(o.key()));
            List<String> unindexed = new ArrayList<>();
            for (String key : files) {
                if (!index.isIndexed(KillChild.STORAGE_ID, key)) {
                    unindexed.add(key);
                }
            }
            // the only files left unindexed: those holding an instance indexed with another file (reported)
            assertEquals(repair.duplicateFiles(), unindexed.size(), "files no index entry names: " + unindexed);
        }
    }

    /** Runs the child in {@code mode} until it has acknowledged {@link #ACKS} calls, then SIGKILL; uid -> last checksum. */
    private Map<String, String> runAndKill(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillChild.class.getName(), mode, dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<String, String> acked = new LinkedHashMap<>();
        int lines = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while (lines < ACKS && (line = out.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ");
                    acked.put(parts[1], parts.length > 2 ? parts[2] : "");
                    lines++;
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no H2 close
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(ACKS, lines, "the child stopped acknowledging before it was killed");
        return acked;
    }

    private static String checksumOf(FileSystemStorage storage, String key) throws Exception {
        try (InputStream in = storage.open(key)) {
            return Checksums.measure(in).checksum();
        }
    }
}
