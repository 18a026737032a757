package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes' job tables (real H2) exchanging rows as the cluster does: merge, adoption, the on-arrival job's id. */
class JobStoreRowsTest {
    @TempDir
    Path dir;
    IndexDatabase db1;
    IndexDatabase db2;
    JobStore node1;
    JobStore node2;
    final List<String> changedOn2 = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        db1 = IndexDatabase.openH2(dir.resolve("n1"), List.of(JobStore.SCHEMA));
        db2 = IndexDatabase.openH2(dir.resolve("n2"), List.of(JobStore.SCHEMA));
        node1 = new JobStore(db1, "node1");
        node2 = new JobStore(db2, "node2");
        node2.onChange(changedOn2::add);
    }

    @AfterEach
    void close() {
        db1.close();
        db2.close();
    }

    @Test
    void aRowKeepsItsCreationTimeExactlyAndAnOlderRowDoesNotReplaceANewerOne() throws Exception {
        JobRecord queued = node1.create(JobRequest.forPlan("1.2.3", "1.2.3.4"), JobOrigin.HTTP, 5, null, "queued");
        assertTrue(node2.merge(queued).taken());
        assertEquals(queued, node2.get(queued.id()).orElseThrow(), "the whole row, to the millisecond");
        Thread.sleep(5);
        assertTrue(node1.start(queued.id(), "finding the CT series"));
        JobRecord running = node1.get(queued.id()).orElseThrow();
        assertTrue(node2.merge(running).taken());
        assertFalse(node2.merge(queued).taken(), "a late row of the same owner");
        assertEquals(JobState.RUNNING, node2.get(queued.id()).orElseThrow().state());
        assertEquals(queued.derivedIds(), node2.get(queued.id()).orElseThrow().derivedIds());
        assertEquals(List.of(), changedOn2, "merged rows are not sent on again");
    }

    @Test
    void theSuccessorAdoptsOnlyTheOpenJobsOfTheNodeThatLeft() throws Exception {
        JobRecord running = node1.create(JobRequest.forPlan("1.2.3", "1.2.3.4"), JobOrigin.HTTP, 5, null, "queued");
        node1.start(running.id(), "simulating");
        JobRecord queued = node1.create(JobRequest.forPlan("1.2.3", "1.2.3.5"), JobOrigin.HTTP, 5, null, "queued");
        JobRecord cancelled = node1.create(JobRequest.forPlan("1.2.3", "1.2.3.6"), JobOrigin.HTTP, 5, null, "queued");
        node1.cancel(cancelled.id());
        for (JobRecord j : List.of(running, queued, cancelled)) {
            node2.merge(node1.get(j.id()).orElseThrow());
        }
        assertEquals(List.of("node1"), node2.openOwnersOtherThanSelf());

        List<String> adopted = node2.adopt("node1", "taken over from node1, which left the cluster");
        assertEquals(List.of(running.id(), queued.id()), adopted);
        assertEquals(adopted, changedOn2, "the peers are told");
        JobRecord r = node2.get(running.id()).orElseThrow();
        assertEquals("node2", r.owner());
        assertEquals(JobState.QUEUED, r.state());
        assertEquals(2, r.attempts(), "one run on node1, one more for the takeover");
        assertEquals(1, r.ownerEpoch());
        assertEquals("taken over from node1, which left the cluster", r.detail());
        assertEquals(running.created(), r.created());
        assertEquals(JobState.CANCELLED, node2.get(cancelled.id()).orElseThrow().state());
        assertEquals(List.of(queued.id(), running.id()).stream().sorted().toList(),
                node2.queued().stream().map(JobRecord::id).sorted().toList(), "node2's runner runs them");

        // node1 back: it takes node2's rows, and no longer starts the job as its own
        for (String id : adopted) {
            assertTrue(node1.merge(node2.get(id).orElseThrow()).taken());
        }
        assertEquals(0, node1.requeueRunning());
        assertEquals(List.of(), node1.queued());
        assertFalse(node1.start(queued.id(), "finding the CT series"), "not node1's to start");
    }

    @Test
    void thePlanStoredOnTwoNodesIsOneJob() throws Exception {
        JobRequest r = JobRequest.forPlan("1.2.3", "1.2.3.4");
        JobStore.Created on1 = node1.createForPlan(r, 1, Instant.now().plusSeconds(60), "waiting");
        assertEquals(JobStore.arrivalJobId("1.2.3.4"), on1.job().id());
        node2.merge(on1.job());
        JobStore.Created again = node2.createForPlan(r, 1, Instant.now().plusSeconds(60), "waiting");
        assertFalse(again.created(), "node2 holds node1's row and makes no second job");
        assertEquals(on1.job().id(), again.job().id());
        assertEquals(1, node2.list(null, 10).size());
    }

    @Test
    void theSamePlanMadeOnBothNodesAtOnceEndsAsTheEarlierRowEverywhere() throws Exception {
        JobRequest r = JobRequest.forPlan("1.2.3", "1.2.3.4");
        JobRecord first = node1.createForPlan(r, 1, null, "waiting").job();
        Thread.sleep(5);
        JobRecord second = node2.createForPlan(r, 1, null, "waiting").job();
        assertEquals(first.id(), second.id());
        assertFalse(node1.merge(second).taken());
        assertTrue(node2.merge(first).taken());
        assertEquals(node1.get(first.id()), node2.get(first.id()));
        assertEquals("node1", node2.get(first.id()).orElseThrow().owner());
        assertEquals(List.of(), node2.queued(), "node2 leaves it to node1");
    }
}
