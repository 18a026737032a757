package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Study tiering against a real s3proxy and a real H2 index: migrate makes and reads back the grid copies before it
 * removes a local one, refuses (removing nothing) when a grid copy does not read back, and a migration interrupted
 * after its MIGRATING row was committed (a crash, a peer not answering) is finished by {@link StudyTiering#resume}
 * on a new instance, as at the next start.
 */
@ProcessTest
class StudyTieringTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.51";
    @TempDir
    Path dir;
    TierRig rig;
    IndexDatabase db;
    Storage home;
    Storage target;

    /** A cluster of one peer, "node2", whose release fails while {@code refusing}. */
    static final class Peer implements TierCluster {
        volatile boolean refusing;
        final List<String> released = new ArrayList<>();
        int dropped;

        @Override
        public List<String> peers() {
            return List.of("node2");
        }

        @Override
        public void homeCopyDropped(Connection c, String sop, String key) {
            dropped++;
        }

        @Override
        public void release(String peer, String study) throws IOException {
            if (refusing) {
                throw new IOException("node2 unreachable");
            }
            released.add(peer + " " + study);
        }
    }

    @BeforeEach
    void start() throws Exception {
        rig = new TierRig(dir);
        db = rig.db;
        home = rig.home;
        target = rig.target;
        for (int n = 1; n <= 3; n++) {
            rig.store(TierRig.ct(STUDY, n, "TIER1"));
        }
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void migrateMakesVerifiesThenRemovesAndAPeerAskedAgainByResume() throws Exception {
        Peer peer = new Peer();
        peer.refusing = true;
        StudyTiering tiering = new StudyTiering(db, home, target, peer);
        TierException e = assertThrows(TierException.class, () -> tiering.migrate(STUDY, TierProgress.NONE));
        assertTrue(e.getMessage().contains("node node2 has not removed its copies yet"), e.getMessage());
        assertEquals(0, rig.localFiles().size(), "this node's copies are removed once the grid copies read back");
        assertEquals(3, peer.dropped, "news of each removal");
        assertEquals(List.of("grid", "grid", "grid"), storagesOf(STUDY));
        assertEquals(TierStates.State.MIGRATING, tiering.states().get(STUDY).orElseThrow().state());
        assertEquals(List.of("node2"), tiering.states().get(STUDY).orElseThrow().pendingNodes());

        // the next start: the row is resumed, the peer answers now
        peer.refusing = false;
        StudyTiering restarted = new StudyTiering(db, home, target, peer);
        assertEquals(List.of(), restarted.resume());
        assertEquals(List.of("node2 " + STUDY), peer.released);
        assertEquals(TierStates.State.TIERED, restarted.states().get(STUDY).orElseThrow().state());
        assertTrue(restarted.states().tiered(STUDY));

        StudyTiering.VerifyResult v = restarted.verify(null, TierProgress.NONE);
        assertEquals(3, v.checked());
        assertEquals(List.of(), v.bad());

        restarted.restore(STUDY, TierProgress.NONE);
        assertEquals(3, rig.localFiles().size());
        assertTrue(restarted.states().get(STUDY).isEmpty());
    }

    @Test
    void aGridCopyThatDoesNotReadBackRemovesNothing() throws Exception {
        StudyTiering tiering = new StudyTiering(db, home, target, TierCluster.ALONE);
        tiering.migrate(STUDY, TierProgress.NONE);
        tiering.restore(STUDY, TierProgress.NONE);
        assertEquals(3, rig.localFiles().size());
        // the policy's selection: never read, so judged by its last change; a read (flushed in a batch) counts
        Instant later = Instant.now().plusSeconds(60);
        assertEquals(List.of(STUDY), tiering.states().notReadSince(later, 10));
        tiering.states().recordReads(Map.of(STUDY, later.plusSeconds(60)));
        assertEquals(List.of(), tiering.states().notReadSince(later, 10));
        // damage one grid object: a later migration must refuse and keep every local copy
        Path object;
        try (Stream<Path> s = Files.walk(rig.grid.server.bucketsFolder())) {
            object = s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".enc")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(object);
        b[b.length / 2] ^= 0x5A;
        Files.write(object, b);
        TierException e = assertThrows(TierException.class, () -> tiering.migrate(STUDY, TierProgress.NONE));
        assertTrue(e.getMessage().contains("no local copy removed"), e.getMessage());
        assertEquals(3, rig.localFiles().size());
        StudyTiering.VerifyResult v = tiering.verify(STUDY, TierProgress.NONE);
        assertEquals(3, v.checked());
        assertEquals(1, v.bad().size(), v.toString());
        assertTrue(tiering.states().get(STUDY).isEmpty(), "no tier state for a migration that never began removing");
        assertThrows(TierException.UnknownStudy.class, () -> tiering.migrate("1.2.3.4", TierProgress.NONE));
    }

    @Test
    void aCrashAfterTheMigratingRowIsFinishedAtStart() throws Exception {
        StudyTiering tiering = new StudyTiering(db, home, target, TierCluster.ALONE);
        tiering.migrate(STUDY, TierProgress.NONE);
        tiering.restore(STUDY, TierProgress.NONE);
        // as a kill -9 right after the MIGRATING row committed: grid copies verified, local copies all still there
        tiering.states().set(STUDY, TierStates.State.MIGRATING, List.of(), null);
        assertEquals(3, rig.localFiles().size());
        StudyTiering restarted = new StudyTiering(db, home, target, TierCluster.ALONE);
        assertEquals(List.of(), restarted.resume());
        assertEquals(0, rig.localFiles().size());
        assertEquals(List.of("grid", "grid", "grid"), storagesOf(STUDY));
        assertEquals(3, rig.gridObjects(), "one grid object per instance: nothing duplicated");
        assertEquals(List.of(), restarted.states().notReadSince(Instant.now().plusSeconds(60), 10),
                "a tiered study is not selected again");
    }

    @Test
    void objectsAKilledMigrationUploadedButNeverNamedAreRemovedAtTheNextStart() throws Exception {
        // the node "dies" while reading its new grid objects back: an Error, which no cleanup of ours catches
        Storage dying = new Storage() {
            public String id() {
                return target.id();
            }

            public StoredObject create(ContentWriter writer) throws IOException {
                return target.create(writer);
            }

            public InputStream open(String key) {
                throw new Error("kill -9");
            }

            public InputStream openRange(String key, long offset, long length) {
                throw new Error("kill -9");
            }

            public void remove(String key) throws IOException {
                target.remove(key);
            }

            public void list(Consumer<StoredObject> visitor) throws IOException {
                target.list(visitor);
            }

            public int sweepIncomplete() throws IOException {
                return target.sweepIncomplete();
            }
        };
        StudyTiering killed = new StudyTiering(db, home, dying, TierCluster.ALONE).transfers(1);
        assertThrows(Throwable.class, () -> killed.migrate(STUDY, TierProgress.NONE));
        assertEquals(1, rig.gridObjects(), "uploaded, not read back, not named");
        assertEquals(List.of("node1", "node1", "node1"), storagesOf(STUDY));
        Thread.sleep(5); // the next start comes later than the record

        StudyTiering restarted = new StudyTiering(db, home, target, TierCluster.ALONE);
        assertEquals(List.of(), restarted.resume());
        assertEquals(0, rig.gridObjects(), "the unnamed object is gone");
        assertEquals(0L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM grid_unnamed_object")));
        assertEquals(3, rig.localFiles().size(), "nothing local removed");
        // a migration now names its objects and leaves no record behind
        restarted.migrate(STUDY, TierProgress.NONE);
        assertEquals(3, rig.gridObjects());
        assertEquals(0L, (long) db.<Long>read(c -> Jdbc.queryLong(c, "SELECT COUNT(*) FROM grid_unnamed_object")));
        assertEquals(List.of(), new StudyTiering(db, home, target, TierCluster.ALONE).resume());
        assertEquals(3, rig.gridObjects(), "named objects stay");
    }

    private List<String> storagesOf(String study) throws Exception {
        return new SqlCopyCatalog(db).instances(study).stream().flatMap(i -> i.locations().stream())
                .map(IndexedInstance.Location::storageId).sorted().toList();
    }
}
