package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dose.engine.Cancellation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs through their states, on real H2 files and storage; restarts of the node on the same folder. */
class JobLifecycleTest {
    static final String STUDY = "1.2.826.0.1.3680043.10.1.1";
    static final String CT_SERIES = STUDY + ".2";
    static final String FRAME = STUDY + ".9";
    static final String PLAN = STUDY + ".5.1";

    @TempDir
    Path dir;

    private static void storeCtAndPlan(TestNode n, int slices) throws Exception {
        for (int i = 0; i < slices; i++) {
            n.send(TestData.ct(STUDY, CT_SERIES, FRAME, i));
        }
        n.send(TestData.plan(STUDY, PLAN, FRAME));
    }

    @Test
    void aRequestedPlanRunsToDoneAndItsRtDoseIsInTheStudy() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc)) {
            storeCtAndPlan(n, 4);
            JobRecord queued = n.jobs().submit(new JobRequest(STUDY, PLAN, List.of(), 1.5, null, 7L));
            assertEquals(JobState.QUEUED, queued.state());
            JobRecord done = n.awaitState(queued.id(), JobState.DONE);
            assertEquals(4, calc.slicesRead.get(done.id()));
            assertEquals(done.derivedIds().doseSopInstanceUid(), done.doseUid());
            assertEquals(done.derivedIds().errorSopInstanceUid(), done.errorDoseUid());
            assertNull(done.generatedPlanUid());
            assertEquals(1.0, done.progress());
            assertEquals(3000, done.historiesDone());
            assertEquals(1, done.attempts());
            assertEquals(7L, done.request().seed());
            List<String> sops = n.study(STUDY).stream().map(IndexedInstance::sopInstanceUID).toList();
            assertTrue(sops.contains(done.doseUid()), sops.toString());
            assertTrue(sops.contains(done.errorDoseUid()));
            assertEquals(4 + 1 + 2, sops.size());
        }
    }

    @Test
    void aBeamDescriptionGetsAGeneratedPlanThatStartsNoJobOfItsOwn() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        try (TestNode n = new TestNode(dir, TestNode.quickConfig(), calc)) {
            for (int i = 0; i < 3; i++) {
                n.send(TestData.ct(STUDY, CT_SERIES, FRAME, i));
            }
            JobRecord job = n.jobs().submit(new JobRequest(STUDY, null,
                    List.of(BeamSpec.parse("6mv 10x10 ssd=100 mu=100 gantry=0")), null, null, null));
            JobRecord done = n.awaitState(job.id(), JobState.DONE);
            assertEquals(done.derivedIds().planSopInstanceUid(), done.generatedPlanUid());
            assertEquals(2.0, done.request().uncertainty()); // the configured default, kept with the job
            Thread.sleep(500); // the generated plan's store event has been delivered by now
            assertEquals(1, n.jobs().list(null).size(), "the generated RT Plan started a job");
        }
    }

    @Test
    void anInputProblemFailsTheJobWithItsMessageAndStoresNothing() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        calc.inputProblem = "gantry tilt of 12 degrees: tilted CT is not supported";
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc)) {
            storeCtAndPlan(n, 2);
            JobRecord job = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN));
            JobRecord failed = n.awaitState(job.id(), JobState.FAILED);
            assertEquals("gantry tilt of 12 degrees: tilted CT is not supported", failed.error());
            assertEquals(3, n.study(STUDY).size());
        }
    }

    @Test
    void aStudyWithTwoCtSeriesAndAPlanWithoutFrameFailsNamingTheChoice() throws Exception {
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), new FakeCalculation())) {
            n.send(TestData.ct(STUDY, CT_SERIES, FRAME, 0));
            n.send(TestData.ct(STUDY, STUDY + ".3", STUDY + ".8", 0));
            n.send(TestData.plan(STUDY, PLAN, null));
            JobRecord failed = n.awaitState(n.jobs().submit(JobRequest.forPlan(STUDY, PLAN)).id(), JobState.FAILED);
            assertTrue(failed.error().contains("has 2 CT series and the plan names no Frame of Reference"),
                    failed.error());
        }
    }

    @Test
    void anUnknownStudyOrPlanIsRefusedAt422() throws Exception {
        try (TestNode n = new TestNode(dir, TestNode.quickConfig(), new FakeCalculation())) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> n.jobs().submit(JobRequest.forPlan("1.2.3", null)));
            assertEquals(422, e.status());
            storeCtAndPlan(n, 1);
            e = assertThrows(BadRequestException.class, () -> n.jobs().submit(JobRequest.forPlan(STUDY, "1.2.3.4")));
            assertEquals("RT Plan 1.2.3.4 is not in study " + STUDY, e.getMessage());
        }
    }

    @Test
    void cancelStopsARunningJobBetweenRoundsAndStoresNothing() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        calc.hold = new CountDownLatch(1);
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc)) {
            storeCtAndPlan(n, 2);
            JobRecord job = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN));
            assertTrue(calc.holding.await(10, TimeUnit.SECONDS));
            assertEquals(JobState.RUNNING, n.jobs().get(job.id()).orElseThrow().state());
            assertEquals(DoseJobService.CancelOutcome.CANCELLED, n.jobs().cancel(job.id()));
            JobRecord cancelled = n.awaitState(job.id(), JobState.CANCELLED);
            assertEquals("cancelled", cancelled.detail());
            Thread.sleep(300); // the runner has seen the cancellation
            assertEquals(JobState.CANCELLED, n.jobs().get(job.id()).orElseThrow().state());
            assertEquals(3, n.study(STUDY).size(), "a cancelled job stored something");
            assertEquals(DoseJobService.CancelOutcome.ALREADY_FINISHED, n.jobs().cancel(job.id()));
            assertEquals(DoseJobService.CancelOutcome.NOT_FOUND, n.jobs().cancel("no-such-job"));
        }
    }

    @Test
    void queuedJobsRunOneAtATimeOldestFirst() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        calc.hold = new CountDownLatch(1);
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc)) {
            storeCtAndPlan(n, 1);
            JobRecord first = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN));
            assertTrue(calc.holding.await(10, TimeUnit.SECONDS));
            JobRecord second = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN));
            JobRecord third = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN));
            Thread.sleep(300);
            assertEquals(JobState.QUEUED, n.jobs().get(second.id()).orElseThrow().state());
            assertEquals(JobState.CANCELLED, cancelled(n, third));
            calc.hold.countDown();
            JobRecord a = n.awaitState(first.id(), JobState.DONE);
            JobRecord b = n.awaitState(second.id(), JobState.DONE);
            assertTrue(!b.updated().isBefore(a.updated()));
            assertEquals(List.of(third.id(), second.id(), first.id()),
                    n.jobs().list(null).stream().map(JobRecord::id).toList(), "newest first");
            assertEquals(List.of(third.id()), n.jobs().list(JobState.CANCELLED).stream().map(JobRecord::id).toList());
        }
    }

    private static JobState cancelled(TestNode n, JobRecord j) throws Exception {
        n.jobs().cancel(j.id());
        return n.jobs().get(j.id()).orElseThrow().state();
    }

    @Test
    void aRestartRequeuesTheRunningJobWhichRerunsOnceAndStoresTheSameObjects() throws Exception {
        FakeCalculation calc = new FakeCalculation();
        calc.hold = new CountDownLatch(1); // never released: the node stops mid-job
        String id;
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), calc)) {
            storeCtAndPlan(n, 2);
            id = n.jobs().submit(JobRequest.forPlan(STUDY, PLAN)).id();
            assertTrue(calc.holding.await(10, TimeUnit.SECONDS));
        }
        JobRecord stopped;
        try (IndexDatabase db = IndexDatabase.openH2(dir.resolve("index"), List.of(JobStore.SCHEMA))) {
            stopped = new JobStore(db, "node1").get(id).orElseThrow();
        }
        assertEquals(JobState.RUNNING, stopped.state(), "a stop must leave the job to rerun, not end it");

        FakeCalculation again = new FakeCalculation();
        try (TestNode n = new TestNode(dir, TestNode.quickConfig().withOnArrival(false), again)) {
            JobRecord done = n.awaitState(id, JobState.DONE);
            assertEquals(1, again.runs.get(id).get());
            assertEquals(2, done.attempts());
            assertEquals(1, n.jobs().list(null).size(), "a restart duplicated the job");
            assertEquals(2 + 1 + 2, n.study(STUDY).size());
            // a crash after the store but before DONE: the next rerun stores the same bytes again, which the archive
            // (duplicate policy REJECT) takes as the same object already stored, not as a conflicting one
            DoseOutput rerun = again.calculate(done, inputs(n), t -> { }, (a, b, c) -> { }, new Cancellation());
            for (DataSet d : rerun.doses()) {
                StoreResult r = n.store.store(StoreRequest.of(d, UID.ExplicitVRLittleEndian, DoseJobService.ORIGIN), d);
                assertEquals(StoreResult.Outcome.ALREADY_STORED, r.outcome(), "a rerun's object differs");
            }
            assertEquals(rerun.doses().get(0).getString(Tag.SOPInstanceUID), done.doseUid());
            assertEquals(2 + 1 + 2, n.study(STUDY).size());
        }
    }

    private static JobInputs inputs(TestNode n) throws Exception {
        ArchiveInputs a = new ArchiveInputs(new QueryService(n.db), n.retrieve);
        return new ArchiveJobInputs(a, CT_SERIES, a.instances(STUDY, CT_SERIES), null);
    }
}
