package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-arrival rule: a stored RT Plan makes one job, which waits for its CT series to be complete. */
class OnArrivalTest {
    static final String STUDY = "1.2.826.0.1.3680043.10.2.1";
    static final String SERIES = STUDY + ".2";
    static final String FRAME = STUDY + ".9";
    static final String PLAN = STUDY + ".5.1";

    @TempDir
    Path dir;

    private static JobRecord onlyJob(TestNode n) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            List<JobRecord> jobs = n.jobs().list(null);
            if (!jobs.isEmpty()) {
                assertEquals(1, jobs.size(), jobs.toString());
                return jobs.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the stored plan made no job");
    }

    @Test
    void aPlanStoredBeforeItsCtWaitsThenRunsOnceTheSeriesIsStable() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        // stable after 3 s without a slice: far beyond the 150 ms between slices, even on a loaded machine
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withTimes(Duration.ofSeconds(3),
                Duration.ofSeconds(30)), calc)) {
            n.send(TestData.plan(STUDY, PLAN, FRAME));
            JobRecord waiting = onlyJob(n);
            assertEquals(JobState.QUEUED, waiting.state());
            assertEquals("waiting for the CT series", waiting.detail());
            assertEquals(JobOrigin.ON_ARRIVAL, waiting.origin());
            assertEquals(PLAN, waiting.request().plan());
            // another study's CT with another frame does not count; ours arrives slice by slice
            n.send(TestData.ct(STUDY, STUDY + ".7", STUDY + ".77", 0));
            for (int i = 0; i < 5; i++) {
                n.send(TestData.ct(STUDY, SERIES, FRAME, i));
                Thread.sleep(150);
                assertEquals(JobState.QUEUED, n.jobs().get(waiting.id()).orElseThrow().state(),
                        "started while its CT series was still arriving");
            }
            JobRecord done = n.awaitState(waiting.id(), JobState.DONE);
            assertEquals(5, calc.slicesRead.get(done.id()), "ran on an incomplete series");
            // the plan stored again: the same job, not a second one
            n.send(TestData.plan(STUDY, PLAN, FRAME));
            Thread.sleep(300);
            assertEquals(1, n.jobs().list(null).size());
        }
    }

    @Test
    void aPlanStoredAfterItsCtRuns() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        try (TestNode n = new TestNode(dir, TestNode.quickConfig(), calc)) {
            for (int i = 0; i < 3; i++) {
                n.send(TestData.ct(STUDY, SERIES, FRAME, i));
            }
            n.send(TestData.plan(STUDY, PLAN, FRAME));
            JobRecord done = n.awaitState(onlyJob(n).id(), JobState.DONE);
            assertEquals(3, calc.slicesRead.get(done.id()));
            assertEquals(2.0, done.request().uncertainty());
        }
    }

    @Test
    void aPlanWithoutCtFailsNamingItsFrameOfReferenceWhenTheWaitRunsOut() throws Exception {
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withTimes(Duration.ofMillis(100),
                Duration.ofSeconds(1)), new FakeCalculation())) {
            n.send(TestData.plan(STUDY, PLAN, FRAME));
            JobRecord failed = n.awaitState(onlyJob(n).id(), JobState.FAILED);
            assertTrue(failed.error().startsWith("no CT series with Frame of Reference " + FRAME
                    + " arrived within 1 seconds"), failed.error());
        }
    }

    @Test
    void theRuleOffMakesNoJob() throws Exception {
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), new FakeCalculation())) {
            n.send(TestData.ct(STUDY, SERIES, FRAME, 0));
            n.send(TestData.plan(STUDY, PLAN, FRAME));
            Thread.sleep(500);
            assertEquals(List.of(), n.jobs().list(null));
        }
    }
}
