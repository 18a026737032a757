package org.gridpacs.replication.conflict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.CopyCatalog.CopyRecord;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.IndexedInstance.Location;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.replication.Replication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node1 holds object A of an instance; node2 announces object B under the same SOP Instance UID: the rule decides
 * the same winner whichever node holds what, the loser's copies stop counting, and the conflict is recorded.
 */
class ConflictResolverTest {
    static final String SOP = "1.2.3.4.5";
    static final Instant EARLY = Instant.parse("2026-12-01T10:00:00.123456Z");
    static final Instant LATE = Instant.parse("2026-12-01T10:00:05Z");
    static final StorageRegistry STORAGES = StorageRegistry.oneLocalPerNode(List.of("node1", "node2", "node3"));

    @TempDir
    Path dir;

    static InstanceHeader header(String patientName) {
        return new InstanceHeader("P1", null, patientName, null, null, "1.2.3", null, null, null, null, null, null,
                "1.2.3.4", "CT", "1", null, null, SOP, "1.2.840.10008.5.1.4.1.1.2", "1", "1.2.840.10008.1.2.1",
                new byte[0]);
    }

    /** Node1's index with its own copy of A (received at {@code aReceived}), deciding with {@code policy}. */
    private static ConflictResolver node1(IndexDatabase db, DuplicatePolicy policy, Instant aReceived)
            throws Exception {
        ConflictResolver r = new ConflictResolver(new SqlCopyCatalog(db), db, new SqlInstanceIndex(db), STORAGES,
                "node1", policy);
        r.addCopy(header("A^A"), "MOD", new Location("node1", "a-key", 10, "crc32c:aaaaaaaa", "OK"), aReceived);
        return r;
    }

    @Test
    void rejectKeepsTheFirstReceivedAndSetsTheLaterAside() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            ConflictResolver r = node1(db, DuplicatePolicy.REJECT, EARLY);
            assertFalse(r.addCopy(header("B^B"), "MOD", new Location("node2", "b-key", 11, "crc32c:bbbbbbbb", "OK"),
                    LATE), "the later object is not a copy");
            IndexedInstance i = new SqlInstanceIndex(db).find(SOP).orElseThrow();
            assertEquals(List.of("crc32c:aaaaaaaa"), i.locations().stream().map(Location::checksum).toList());
            Conflict c = r.records().list(true).get(0);
            assertEquals("crc32c:aaaaaaaa", c.winnerChecksum());
            assertEquals("crc32c:bbbbbbbb", c.loserChecksum());
            assertEquals(Set.of("node2"), c.loserNodes());
            assertEquals(EARLY, c.winnerReceived());
            assertEquals(1, r.records().openCount());
            // the same losing object from another node: the same conflict, one more node
            assertFalse(r.addCopy(header("B^B"), "MOD", new Location("node3", "b3", 11, "crc32c:bbbbbbbb", "OK"),
                    LATE));
            assertEquals(1, r.records().openCount());
            assertEquals(Set.of("node2", "node3"), r.records().list(true).get(0).loserNodes());
            assertTrue(r.records().close(c.pk()));
            assertEquals(0, r.records().openCount());
        }
    }

    @Test
    void whenTheIncomingObjectWinsThisNodesCopyIsKeptAsideAndStillAnnounced() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            ConflictResolver r = node1(db, DuplicatePolicy.REJECT, LATE);
            assertTrue(r.addCopy(header("B^B"), "MOD", new Location("node2", "b-key", 11, "crc32c:bbbbbbbb", "OK"),
                    EARLY));
            IndexedInstance i = new SqlInstanceIndex(db).find(SOP).orElseThrow();
            assertEquals(2, i.locations().size());
            Location own = i.locations().stream().filter(l -> l.storageId().equals("node1")).findFirst().orElseThrow();
            assertEquals(ConflictResolver.CONFLICT, own.status(), "never served nor counted");
            assertEquals("a-key", own.storageKey());
            Conflict c = r.records().list(true).get(0);
            assertEquals("crc32c:bbbbbbbb", c.winnerChecksum());
            assertEquals("a-key", c.loserKey());
            // announced with its own object's time, so that a peer that never saw it decides the same
            CopyRecord announced = r.copy("node1", SOP).orElseThrow();
            assertEquals("crc32c:aaaaaaaa", announced.location().checksum());
            assertEquals(LATE, announced.received());
            assertEquals(EARLY, r.copy("node2", SOP).orElseThrow().received());
            assertTrue(r.digests("node1").isEmpty(), "a kept-aside copy is in no digest");
            // the winner fetched here later: the kept-aside copy stays listed beside it
            new SqlInstanceIndex(db).addLocation(SOP, new StoredObject("node1", "b-here", 11, "crc32c:bbbbbbbb"));
            assertEquals(3, new SqlInstanceIndex(db).find(SOP).orElseThrow().locations().size());
            // the losing object announced again by another node changes nothing
            assertFalse(r.addCopy(header("A^A"), "MOD", new Location("node3", "a3", 10, "crc32c:aaaaaaaa", "OK"),
                    LATE));
            assertEquals(1, r.records().openCount());
        }
    }

    @Test
    void replaceKeepsTheLastReceived() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir, List.of(Replication.SCHEMA))) {
            ConflictResolver r = node1(db, DuplicatePolicy.REPLACE, EARLY);
            assertTrue(r.addCopy(header("B^B"), "MOD", new Location("node2", "b-key", 11, "crc32c:bbbbbbbb", "OK"),
                    LATE));
            assertEquals("crc32c:bbbbbbbb", r.records().list(true).get(0).winnerChecksum());
        }
    }

    @Test
    void ruleIsTheSameWhicheverSideAsksAndTiesGoToTheLowerChecksum() {
        var a = new ConflictRule.Candidate("crc32c:00000001", EARLY);
        var b = new ConflictRule.Candidate("crc32c:00000002", LATE);
        for (DuplicatePolicy p : DuplicatePolicy.values()) {
            assertTrue(ConflictRule.wins(p, a, b) != ConflictRule.wins(p, b, a), p.name());
        }
        assertTrue(ConflictRule.wins(DuplicatePolicy.REJECT, a, b));
        assertTrue(ConflictRule.wins(DuplicatePolicy.REPLACE, b, a));
        var sameTime = new ConflictRule.Candidate("crc32c:00000002", EARLY);
        assertTrue(ConflictRule.wins(DuplicatePolicy.REJECT, a, sameTime));
        assertTrue(ConflictRule.wins(DuplicatePolicy.REPLACE, a, sameTime));
        assertFalse(ConflictRule.wins(DuplicatePolicy.REJECT, new ConflictRule.Candidate("crc32c:0", null), b),
                "an unknown time never wins on time");
    }
}
