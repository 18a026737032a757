package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grid.tier.restage-hours} against a real s3proxy and a real H2 index: a read of a tiered study copies it back
 * here (no news for the other nodes), a read within the hours keeps it, a pass after them removes the copies again
 * (only while the index names an equal grid copy), and a restore makes the re-staged study local for good.
 */
@ProcessTest
class RestagingTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.71";
    @TempDir
    Path dir;
    TierRig rig;
    IndexDatabase db;
    Storage home;
    Storage target;
    StudyTiering tiering;
    TierJobs jobs;
    final AtomicInteger made = new AtomicInteger();
    final AtomicInteger dropped = new AtomicInteger();

    /** Alone, counting the news it would send. */
    final TierCluster news = new TierCluster() {
        @Override
        public void homeCopyMade(Connection c, String sop) {
            made.incrementAndGet();
        }

        @Override
        public void homeCopyDropped(Connection c, String sop, String key) {
            dropped.incrementAndGet();
        }
    };

    @BeforeEach
    void start() throws Exception {
        rig = new TierRig(dir);
        db = rig.db;
        home = rig.home;
        target = rig.target;
        for (int n = 1; n <= 3; n++) {
            rig.store(TierRig.ct(STUDY, n, "STAGE1"));
        }
        tiering = new StudyTiering(db, home, target, news);
        jobs = new TierJobs();
        tiering.migrate(STUDY, TierProgress.NONE);
        assertEquals(0, rig.localFiles().size());
        dropped.set(0);
    }

    @AfterEach
    void stop() {
        jobs.close();
        rig.close();
    }

    @Test
    void aReadRestagesTheStudyUntilItIsNotReadForTheHours() throws Exception {
        TierScheduler scheduler = scheduler(2);
        retrieve(scheduler);
        assertEquals(TierStates.State.RESTAGED, state());
        assertEquals(3, rig.localFiles().size());
        assertEquals(List.of("grid", "grid", "grid", "node1", "node1", "node1"), storages());
        assertEquals(0, made.get(), "re-staged copies are this node's own: no news");
        assertEquals(List.of("STAGED", "STAGED", "STAGED"), statuses("node1"));
        SqlCopyCatalog catalog = new SqlCopyCatalog(db);
        assertTrue(catalog.bucketDigests("node1").isEmpty() && catalog.digests("node1").isEmpty(),
                "in no digest a peer compares: its index sync never reads them");
        // re-staged 3 hours ago, read 1 hour ago: kept (the read extends it)
        backdate(Duration.ofHours(3), Duration.ofHours(1));
        scheduler.pass();
        awaitJobs();
        assertEquals(TierStates.State.RESTAGED, state());
        assertEquals(3, rig.localFiles().size());
        // not read for 3 hours: back to the grid copies, nothing uploaded, no news
        backdate(Duration.ofHours(3), Duration.ofHours(3));
        long objects = rig.gridObjects();
        scheduler.pass();
        awaitJobs();
        assertEquals(TierStates.State.TIERED, state());
        assertEquals(0, rig.localFiles().size());
        assertEquals(List.of("grid", "grid", "grid"), storages());
        assertEquals(objects, rig.gridObjects(), "no re-upload");
        assertEquals(0, dropped.get());
        // read again: re-staged again
        retrieve(scheduler);
        assertEquals(TierStates.State.RESTAGED, state());
        assertEquals(3, rig.localFiles().size());
    }

    @Test
    void aCopyWhoseGridCopyTheIndexDoesNotNameIsKept() throws Exception {
        TierScheduler scheduler = scheduler(2);
        retrieve(scheduler);
        String sop = STUDY + ".3.2";
        db.inTransaction(c -> {
            new SqlCopyCatalog(db).removeCopy(c, target.id(), sop);
            return null;
        });
        backdate(Duration.ofHours(3), Duration.ofHours(3));
        scheduler.pass();
        awaitJobs();
        assertEquals(TierStates.State.RESTAGED, state());
        assertEquals(3, rig.localFiles().size(), "nothing removed while one instance has no grid copy in the index");
        String error = tiering.states().get(STUDY).orElseThrow().lastError();
        assertTrue(error != null && error.contains(sop), String.valueOf(error));
    }

    @Test
    void aRestoreMakesARestagedStudyLocalForGood() throws Exception {
        TierScheduler scheduler = scheduler(2);
        retrieve(scheduler);
        tiering.restore(STUDY, TierProgress.NONE);
        assertTrue(tiering.states().get(STUDY).isEmpty());
        assertEquals(3, made.get(), "the re-staged copies announced: the other nodes may repair from them");
        assertEquals(List.of("OK", "OK", "OK"), statuses("node1"));
        assertEquals(3, new SqlCopyCatalog(db).digests("node1").get(STUDY).copies(), "counted for the peers now");
        backdate(null, Duration.ofHours(30));
        scheduler.pass();
        awaitJobs();
        assertEquals(3, rig.localFiles().size());
        assertTrue(tiering.states().get(STUDY).isEmpty());
    }

    @Test
    void aMigrationEndsTheRestaging() throws Exception {
        retrieve(scheduler(2));
        assertEquals(3, rig.localFiles().size());
        tiering.migrate(STUDY, TierProgress.NONE);
        assertEquals(TierStates.State.TIERED, state());
        assertEquals(0, rig.localFiles().size(), "the re-staged copies do not outlive it");
        assertEquals(List.of("grid", "grid", "grid"), storages());
        assertEquals(0, dropped.get(), "no news of copies no other node heard of");
    }

    @Test
    void offByDefault() throws Exception {
        retrieve(scheduler(0));
        assertEquals(TierStates.State.TIERED, state());
        assertEquals(0, rig.localFiles().size());
    }

    private TierScheduler scheduler(int hours) {
        TierPolicy off = TierPolicy.OFF;
        return new TierScheduler(tiering, jobs, new TierPolicy(0, off.interval(), off.readFlush(), off.transfers(),
                off.orphanGrace(), 0, hours), s -> true);
    }

    /** What a retrieve tells the scheduler, then the minute's flush. */
    private void retrieve(TierScheduler scheduler) throws InterruptedException {
        scheduler.read(STUDY);
        scheduler.flushReads();
        awaitJobs();
    }

    private void backdate(Duration restaged, Duration read) throws Exception {
        Instant now = Instant.now();
        db.inTransaction(c -> {
            if (restaged != null) {
                Jdbc.update(c, "UPDATE grid_tier SET changed = ? WHERE study_uid = ?", at(now.minus(restaged)), STUDY);
            }
            return Jdbc.update(c, "UPDATE study_read SET last_read = ? WHERE study_uid = ?", at(now.minus(read)), STUDY);
        });
    }

    private static OffsetDateTime at(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private TierStates.State state() throws Exception {
        return tiering.states().get(STUDY).orElseThrow().state();
    }

    private List<String> storages() throws Exception {
        return new SqlCopyCatalog(db).instances(STUDY).stream().flatMap(i -> i.locations().stream())
                .map(IndexedInstance.Location::storageId).sorted().toList();
    }

    private List<String> statuses(String storage) throws Exception {
        return new SqlCopyCatalog(db).instances(STUDY).stream().flatMap(i -> i.locations().stream())
                .filter(l -> l.storageId().equals(storage)).map(IndexedInstance.Location::status).toList();
    }

    private void awaitJobs() throws InterruptedException {
        long id = jobs.submit("mark", "end", p -> "end").id();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (jobs.get(id).orElseThrow().state() != TierJobs.State.DONE) {
            assertTrue(System.nanoTime() < until, "tier jobs did not finish in 60 s");
            Thread.sleep(20);
        }
    }
}
