package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.Jdbc;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grid.tier.fill-percent} against a real s3proxy, a real H2 index and the real files of the node's storage;
 * only the file system's size is made up: its used bytes are a fixed amount plus the files the storage holds, so a
 * migration's removals show in the next measure. Four studies of equal size, each 5 % of the disk, fill it to 94 %;
 * with the threshold at 90 % (aim: 88 %) the two least recently read are tiered (a study never read counts from its
 * store time), a second pass while they wait queues nothing more, and the disk ends at 84 %.
 */
@ProcessTest
class TierFillLevelTest {
    private static final String BASE = "1.2.826.0.1.3680043.99.6";
    /** Last read 4, 3 and 1 days ago; C never read, stored 5 days ago: the order is C, A, B, D. */
    private static final String A = BASE + "1", B = BASE + "2", C = BASE + "3", D = BASE + "4";
    @TempDir
    Path dir;
    TierRig rig;
    IndexDatabase db;
    Storage home;
    Storage target;
    StudyTiering tiering;
    TierJobs jobs;
    long study;
    long size;
    long fixed;

    @BeforeEach
    void start() throws Exception {
        rig = new TierRig(dir);
        db = rig.db;
        home = rig.home;
        target = rig.target;
        for (String s : List.of(A, B, C, D)) {
            for (int n = 1; n <= 2; n++) {
                DataSet ds = TierRig.ct(s, n, "FILL1");
                ds.setBytes(Tag.PixelData, VR.OW, new byte[4096]);
                rig.store(ds);
            }
        }
        tiering = new StudyTiering(db, home, target, TierCluster.ALONE);
        jobs = new TierJobs();
        Instant now = Instant.now();
        tiering.states().recordReads(Map.of(A, now.minus(Duration.ofDays(4)), B, now.minus(Duration.ofDays(3)),
                D, now.minus(Duration.ofDays(1))));
        db.inTransaction(c -> Jdbc.update(c, "UPDATE study SET updated = ? WHERE study_uid = ?",
                OffsetDateTime.ofInstant(now.minus(Duration.ofDays(5)), ZoneOffset.UTC), C));
        study = tiering.localBytes(A);
        for (String s : List.of(B, C, D)) {
            assertEquals(study, tiering.localBytes(s), "studies of equal size: the arithmetic below relies on it");
        }
        assertEquals(4 * study, localBytesOnDisk(), "the index's sizes are the files' sizes");
        size = 20 * study;
        fixed = 188 * study / 10 - 4 * study; // 94 % with the four studies
    }

    @AfterEach
    void stop() {
        jobs.close();
        rig.close();
    }

    /** The made-up disk: its size fixed, its used bytes a fixed amount plus the storage's real files. */
    private DiskSpace disk() {
        return () -> new DiskSpace.Usage(size, fixed + localBytesOnDisk());
    }

    @Test
    void theLeastRecentlyReadStudiesAreTieredUntilTheFillIsBelowTheThresholdLessTheMargin() throws Exception {
        TierScheduler scheduler = scheduler(90, s -> true);
        assertEquals(94.0, disk().usage().percent(), 0.01);
        CountDownLatch hold = new CountDownLatch(1);
        jobs.submit("hold", "the jobs' thread", p -> {
            hold.await();
            return "held";
        });
        assertEquals(2, scheduler.pass(), "94 % -> 89 % is not below 88 %; -> 84 % is");
        assertEquals(0, scheduler.pass(), "the queued migrations, not yet run, already bring the disk below 88 %");
        hold.countDown();
        awaitJobs();
        assertEquals(TierStates.State.TIERED, tiering.states().get(C).orElseThrow().state());
        assertEquals(TierStates.State.TIERED, tiering.states().get(A).orElseThrow().state());
        assertTrue(tiering.states().get(B).isEmpty());
        assertTrue(tiering.states().get(D).isEmpty());
        assertEquals(0, tiering.localBytes(C));
        assertEquals(2 * study, localBytesOnDisk(), "B's and D's files only");
        assertEquals(84.0, disk().usage().percent(), 0.01);
        assertEquals(0, scheduler.pass(), "below the threshold: nothing more");
        StudyTiering.VerifyResult v = tiering.verify(C, TierProgress.NONE);
        assertEquals(List.of(), v.bad());
        assertEquals(2, v.checked(), "the tiered study's grid copies read back");
    }

    @Test
    void onlyStudiesThisNodeLeadsAndNothingWhenOff() throws Exception {
        assertEquals(0, scheduler(0, s -> true).pass(), "fill-percent 0: off, however full the disk");
        assertEquals(0, new TierScheduler(tiering, jobs, policy(90), s -> true).pass(),
                "no disk to measure (a storage not on a local file system): off");
        awaitJobs();
        assertEquals(4 * study, localBytesOnDisk());
        // another node leads C: this one migrates A and B instead
        assertEquals(2, scheduler(90, s -> !s.equals(C)).pass());
        awaitJobs();
        assertTrue(tiering.states().get(C).isEmpty());
        assertTrue(tiering.states().tiered(A));
        assertTrue(tiering.states().tiered(B));
        assertEquals(84.0, disk().usage().percent(), 0.01);
    }

    private TierScheduler scheduler(int percent, Predicate<String> leads) {
        return new TierScheduler(tiering, jobs, policy(percent), leads, disk());
    }

    private static TierPolicy policy(int fillPercent) {
        TierPolicy off = TierPolicy.OFF;
        return new TierPolicy(0, off.interval(), off.readFlush(), off.transfers(), off.orphanGrace(), fillPercent, 0);
    }

    /** Jobs run one at a time in order: when one submitted now is done, those before it are too. */
    private void awaitJobs() throws InterruptedException {
        long id = jobs.submit("mark", "end", p -> "end").id();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (jobs.get(id).orElseThrow().state() != TierJobs.State.DONE) {
            assertTrue(System.nanoTime() < until, "tier jobs did not finish in 60 s");
            Thread.sleep(20);
        }
    }

    private long localBytesOnDisk() {
        try (Stream<Path> s = Files.walk(dir.resolve("storage"))) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
