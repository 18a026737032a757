package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The rules by which every node ends with the same row of a job, and the choice of the node that adopts jobs. */
class JobMergeTest {
    static final Instant T0 = Instant.parse("2026-03-29T00:30:00.123Z");

    static JobRecord row(JobState state, String owner, int epoch, Instant created, Instant updated) {
        return new JobRecord("job-1", state, "detail", JobOrigin.HTTP, JobRequest.forPlan("1.2.3", "1.2.3.4"), null,
                created, updated, owner, 0, 0, null, null, null, null, null, null, 1, epoch);
    }

    static JobRecord row(JobState state, String owner, int epoch, long updatedSeconds) {
        return row(state, owner, epoch, T0, T0.plusSeconds(updatedSeconds));
    }

    @Test
    void anUnknownJobIsTaken() {
        assertTrue(JobMerge.takeTheirs(null, row(JobState.QUEUED, "node1", 0, 0)));
    }

    @Test
    void theOwnersNewerRowWinsAndAnOlderOneDoesNot() {
        JobRecord queued = row(JobState.QUEUED, "node1", 0, 0);
        JobRecord running = row(JobState.RUNNING, "node1", 0, 5);
        assertTrue(JobMerge.takeTheirs(queued, running));
        assertFalse(JobMerge.takeTheirs(running, queued), "a late row does not undo a newer one");
        assertFalse(JobMerge.takeTheirs(running, running), "the same row is not taken again");
    }

    @Test
    void aFinalStateNeverGoesBack() {
        JobRecord done = row(JobState.DONE, "node1", 0, 5);
        assertFalse(JobMerge.takeTheirs(done, row(JobState.RUNNING, "node1", 0, 60)), "newer, but open");
        assertFalse(JobMerge.takeTheirs(done, row(JobState.QUEUED, "node2", 1, 60)), "a takeover after the end");
        assertTrue(JobMerge.takeTheirs(row(JobState.RUNNING, "node2", 3, 60), row(JobState.CANCELLED, "node1", 0, 1)),
                "a final row wins over an open one whatever its age: a cancel reaches the runner");
    }

    @Test
    void ofTwoFinalStatesDoneWins() {
        JobRecord done = row(JobState.DONE, "node1", 0, 5);
        JobRecord cancelled = row(JobState.CANCELLED, "node2", 0, 6);
        assertTrue(JobMerge.takeTheirs(cancelled, done));
        assertFalse(JobMerge.takeTheirs(done, cancelled));
        assertFalse(JobMerge.takeTheirs(row(JobState.FAILED, "node1", 0, 1), cancelled), "the first final one stays");
    }

    @Test
    void aTakeoverWinsWithoutComparingClocks() {
        JobRecord oldOwner = row(JobState.RUNNING, "node1", 0, 100);
        JobRecord adopted = row(JobState.QUEUED, "node2", 1, 10); // node2's clock is behind node1's
        assertTrue(JobMerge.takeTheirs(oldOwner, adopted));
        assertFalse(JobMerge.takeTheirs(adopted, oldOwner), "the old owner's late row does not take it back");
    }

    @Test
    void theSameOnArrivalJobMadeOnTwoNodesKeepsTheEarlierThenTheSmallerName() {
        JobRecord onNode2 = row(JobState.QUEUED, "node2", 0, T0, T0);
        JobRecord onNode1Later = row(JobState.QUEUED, "node1", 0, T0.plusMillis(5), T0.plusMillis(5));
        assertFalse(JobMerge.takeTheirs(onNode2, onNode1Later));
        assertTrue(JobMerge.takeTheirs(onNode1Later, onNode2));
        JobRecord onNode1Same = row(JobState.RUNNING, "node1", 0, T0, T0.plusSeconds(1));
        assertTrue(JobMerge.takeTheirs(onNode2, onNode1Same));
        assertFalse(JobMerge.takeTheirs(onNode1Same, onNode2));
    }

    @Test
    void theSuccessorIsTheFirstLiveNodeInConfigurationOrderOtherThanTheOneThatLeft() {
        assertEquals(Optional.of("node2"), Successor.of(List.of("node2", "node3"), "node1"));
        assertEquals(Optional.of("node1"), Successor.of(List.of("node1", "node3"), "node2"));
        assertEquals(Optional.of("node1"), Successor.of(List.of("node1", "node2", "node3"), "node2"),
                "a view that still lists the node that left");
        assertEquals(Optional.empty(), Successor.of(List.of("node1"), "node1"));
    }

    @Test
    void theDerivedTimeIsTheCreationInstantInUtcWhateverTheNodesZone() {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Pacific/Auckland"));
            LocalDateTime inAuckland = row(JobState.QUEUED, "node1", 0, 0).derivedIds().created();
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
            LocalDateTime inNewYork = row(JobState.QUEUED, "node1", 0, 0).derivedIds().created();
            assertEquals(LocalDateTime.parse("2026-03-29T00:30:00.123"), inAuckland);
            assertEquals(inAuckland, inNewYork);
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }

    @Test
    void aRowCrossesBetweenNodesExactly() throws Exception {
        JobRecord r = new JobRecord("job-1", JobState.RUNNING, "simulating", JobOrigin.ON_ARRIVAL,
                new JobRequest("1.2.3", "1.2.3.4", List.of(), 2.0, null, 7L), T0.plusSeconds(3600), T0,
                T0.plusMillis(1), "node1", 1234, 5678, 3.5, null, null, null, null, null, 2, 4);
        JobRecord back = JobRowJson.parse(JobJson.MAPPER.readTree(JobRowJson.row(r).toString()));
        assertEquals(r, back);
        assertEquals("1.2.3.4", back.arrivalPlanUid());
    }
}
