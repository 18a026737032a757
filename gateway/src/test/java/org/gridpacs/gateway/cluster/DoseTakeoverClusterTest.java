package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dose.dicom.DerivedIds;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.jobs.DoseCalculation;
import org.gridpacs.dose.jobs.DoseJobService;
import org.gridpacs.dose.jobs.DoseJobsConfig;
import org.gridpacs.dose.jobs.DoseOutput;
import org.gridpacs.dose.jobs.JobInputs;
import org.gridpacs.dose.jobs.JobRecord;
import org.gridpacs.dose.jobs.JobRequest;
import org.gridpacs.dose.jobs.JobState;
import org.gridpacs.gateway.node.DoseSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dose jobs in a cluster of three nodes in this JVM (real Hazelcast, Jetty with mutual TLS, H2): every node lists
 * every job; a cancel on a node that does not own the job is done by its owner; the owner stopped mid-job loses the
 * job to its successor after the grace period, which reruns it and stores the RT Dose under the UID derived from the
 * job; the old owner, started again, learns that and does not run the job again. The calculation is a TEST SEAM (a
 * slow stand-in that checks its cancellation and returns a small RT Dose); the job machinery is the product's.
 */
@Timeout(180)
class DoseTakeoverClusterTest {
    static final String STUDY = "1.2.826.0.1.3680043.10.4.77";
    static final String FRAME = STUDY + ".9";
    static final String PLAN = STUDY + ".5.1";
    static final Duration GRACE = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    /** Rounds of 50 ms; holds in its first round on a node while that node's latch is set. Counts runs by node. */
    static final class SlowCalculation implements DoseCalculation {
        final Map<String, CountDownLatch> hold = new ConcurrentHashMap<>();
        final Map<String, CountDownLatch> holding = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

        int runs(String node) {
            return runs.getOrDefault(node, new AtomicInteger()).get();
        }

        CountDownLatch holding(String node) {
            return holding.computeIfAbsent(node, k -> new CountDownLatch(1));
        }

        @Override
        public DoseOutput calculate(JobRecord job, JobInputs inputs, Detail detail, ProgressListener progress,
                                    Cancellation cancel) throws java.io.IOException, InterruptedException,
                org.gridpacs.dose.dicom.DoseInputException {
            runs.computeIfAbsent(job.owner(), k -> new AtomicInteger()).incrementAndGet();
            DataSet[] first = new DataSet[1];
            inputs.readCt(s -> first[0] = first[0] == null ? s : first[0]);
            detail.set("simulating");
            for (int r = 1; r <= 4; r++) {
                CountDownLatch h = hold.get(job.owner());
                if (r == 1 && h != null) {
                    holding(job.owner()).countDown();
                    while (!h.await(10, TimeUnit.MILLISECONDS)) {
                        cancel.check();
                    }
                }
                Thread.sleep(50);
                cancel.check();
                progress.progress(r * 1000L, 4000L, 0.1 / Math.sqrt(r));
            }
            DerivedIds ids = job.derivedIds();
            DataSet dose = instance(UID.RTDoseStorage, "RTDOSE", ids.doseSeriesUid(), ids.doseSopInstanceUid());
            dose.setString(Tag.FrameOfReferenceUID, VR.UI, first[0].getString(Tag.FrameOfReferenceUID));
            dose.setString(Tag.ContentDate, VR.DA,
                    ids.created().format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE));
            dose.setString(Tag.DoseUnits, VR.CS, "GY");
            return new DoseOutput(null, List.of(dose));
        }
    }

    static DataSet instance(String sopClass, String modality, String series, String sop) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, sopClass);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.PatientID, VR.LO, "TAKEOVER-1");
        ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, series);
        ds.setString(Tag.Modality, VR.CS, modality);
        return ds;
    }

    @Test
    void jobsAreKnownEverywhereCancelledByTheirOwnerAndTakenOverWhenTheOwnerLeaves() throws Exception {
        SlowCalculation calc = new SlowCalculation();
        DoseSetup dose = DoseSetup.defaults().withCalculation(calc)
                .withConfig(DoseJobsConfig.DEFAULTS.withOnArrival(false).withTakeover(GRACE));
        try (InProcessCluster c = InProcessCluster.start(tmp.resolve("c"), 3, 2, true, dose)) {
            String node1 = c.name(0);
            String node2 = c.name(1);
            for (int i = 0; i < 2; i++) {
                DataSet ct = instance(UID.CTImageStorage, "CT", STUDY + ".2", STUDY + ".2." + (i + 1));
                ct.setString(Tag.FrameOfReferenceUID, VR.UI, FRAME);
                store(c, 0, ct);
            }
            DataSet plan = instance(UID.RTPlanStorage, "RTPLAN", PLAN + ".0", PLAN);
            plan.setString(Tag.FrameOfReferenceUID, VR.UI, FRAME);
            store(c, 0, plan);

            // a job of node1 is listed on node2 and node3; cancelled on node2, node1 (its owner) stops it
            calc.hold.put(node1, new CountDownLatch(1));
            JobRecord first = jobs(c, 0).submit(JobRequest.forPlan(STUDY, PLAN));
            assertTrue(calc.holding(node1).await(30, TimeUnit.SECONDS), "node1 runs its job");
            JobRecord seen = awaitRow(c, 1, first.id(), j -> j.state() == JobState.RUNNING);
            assertEquals(node1, seen.owner());
            assertEquals(first.created(), seen.created(), "the creation time crosses exactly");
            // node3 hears of the row on its own (node1 sends it to each peer): wait for it as for node2
            awaitRow(c, 2, first.id(), j -> true);
            assertTrue(jobs(c, 2).list(null).stream().anyMatch(j -> j.id().equals(first.id())),
                    "GET /dose/jobs on node3 lists node1's job");
            assertEquals(DoseJobService.CancelOutcome.CANCELLED, jobs(c, 1).cancel(first.id()));
            awaitRow(c, 0, first.id(), j -> j.state() == JobState.CANCELLED);
            assertEquals(JobState.CANCELLED, jobs(c, 1).get(first.id()).orElseThrow().state());
            assertEquals(JobState.CANCELLED, awaitRow(c, 2, first.id(),
                    j -> j.state() == JobState.CANCELLED).state(), "node3 hears of the end from the owner");

            // node1 is stopped mid-job: node2, its successor, takes the job over after the grace period
            calc.holding.remove(node1);
            JobRecord job = jobs(c, 0).submit(JobRequest.forPlan(STUDY, PLAN));
            assertTrue(calc.holding(node1).await(30, TimeUnit.SECONDS), "node1 runs the second job");
            awaitRow(c, 1, job.id(), j -> j.state() == JobState.RUNNING);
            calc.hold.put(node2, new CountDownLatch(1)); // node2 holds the adopted job until node1 is back
            long stopped = System.nanoTime();
            c.stop(0);
            assertTrue(calc.holding(node2).await(30, TimeUnit.SECONDS), "node2 runs the job it took over");
            assertTrue(System.nanoTime() - stopped >= GRACE.toNanos(), "not before the grace period");
            JobRecord adopted = jobs(c, 1).get(job.id()).orElseThrow();
            assertEquals(node2, adopted.owner());
            assertEquals(1, adopted.ownerEpoch());
            assertEquals(job.created(), adopted.created());
            assertEquals(node2, awaitRow(c, 2, job.id(), j -> j.owner().equals(node2)).owner(), "node3 is told");

            // node1 comes back while node2 runs the job: it takes node2's row and does not run the job itself
            c.start(0);
            JobRecord onNode1 = jobs(c, 0).get(job.id()).orElseThrow();
            assertEquals(node2, onNode1.owner(), "learned at start, before its runner picked anything");
            calc.hold.get(node2).countDown();
            JobRecord done = awaitRow(c, 1, job.id(), j -> j.state() == JobState.DONE);
            assertEquals(job.derivedIds().doseSopInstanceUid(), done.doseUid());
            assertEquals(JobState.DONE, awaitRow(c, 0, job.id(), j -> j.state() == JobState.DONE).state());
            assertEquals(1 + 1, calc.runs(node1), "node1 ran the cancelled job and the cut-off run, nothing since");
            assertEquals(1, calc.runs(node2));

            DataSet id = new DataSet();
            id.setString(Tag.QueryRetrieveLevel, VR.CS, "IMAGE");
            id.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
            id.setString(Tag.SeriesInstanceUID, VR.UI, job.derivedIds().doseSeriesUid());
            id.setString(Tag.SOPInstanceUID, VR.UI, job.derivedIds().doseSopInstanceUid());
            List<IndexedInstance> found = c.node(0).retrieveService().resolve(QueryModel.STUDY_ROOT, id);
            assertEquals(1, found.size(), "the RT Dose under the UID derived from the job, found from node1");
        }
    }

    private static DoseJobService jobs(InProcessCluster c, int i) {
        return c.node(i).doseJobs().service();
    }

    private static void store(InProcessCluster c, int i, DataSet ds) throws Exception {
        c.node(i).store().store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, "TPS"), ds);
    }

    private static JobRecord awaitRow(InProcessCluster c, int i, String id,
                                      java.util.function.Predicate<JobRecord> until) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JobRecord last = null;
        while (System.nanoTime() < end) {
            last = jobs(c, i).get(id).orElse(null);
            if (last != null && until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        assertNotNull(last, "node " + c.name(i) + " never heard of job " + id);
        throw new AssertionError("node " + c.name(i) + " has job " + id + " as " + last);
    }
}
