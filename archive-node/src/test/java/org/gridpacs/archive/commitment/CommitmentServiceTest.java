package org.gridpacs.archive.commitment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitmentServiceTest {
    private static final TestInstances.Study STUDY = new TestInstances.Study("P1", "Doe^Jane", "19800101", "1.2.3.9",
            "20240115", "101500", "A1", "CT", List.of("CT"), 3);

    @TempDir
    Path dir;

    private static CommitmentRequest request(String uid, String... sopUIDs) {
        return new CommitmentRequest(uid, "MODALITY", "PACS", "node1", System.currentTimeMillis(),
                java.util.Arrays.stream(sopUIDs).map(s -> new ReferencedSop(UID.CTImageStorage, s)).toList());
    }

    /** A reporter that keeps what it was given; fails the first {@code failures} deliveries as an unreachable peer. */
    private static final class Recorder implements CommitmentReporter {
        final BlockingQueue<CommitmentResult> reports = new LinkedBlockingQueue<>();
        final AtomicInteger failures;

        Recorder(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public void report(CommitmentRequest request, CommitmentResult result) throws IOException {
            if (failures.getAndDecrement() > 0) {
                throw new java.net.ConnectException("Connection refused");
            }
            reports.add(result);
        }
    }

    @Test
    void aRequestIsKeptAcrossARestartOfTheIndexUntilDone() throws Exception {
        CommitmentRequest r = request("2.25.1", STUDY.sopUID(0, 0), STUDY.sopUID(0, 1));
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            assertEquals(CommitmentRequests.Added.NEW, new CommitmentRequests(db).add(r));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            CommitmentRequests requests = new CommitmentRequests(db);
            assertEquals(List.of(r), requests.pending());
            assertTrue(requests.markDone("2.25.1"));
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            CommitmentRequests requests = new CommitmentRequests(db);
            assertEquals(List.of(), requests.pending());
            assertTrue(requests.isDone("2.25.1"));
        }
    }

    @Test
    void aRepeatedTransactionUIDIsTheSameRequestOrAConflict() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            CommitmentRequests requests = new CommitmentRequests(db);
            assertEquals(CommitmentRequests.Added.NEW, requests.add(request("2.25.2", "1.1")));
            assertEquals(CommitmentRequests.Added.SAME, requests.add(request("2.25.2", "1.1")));
            assertEquals(CommitmentRequests.Added.CONFLICT, requests.add(request("2.25.2", "1.1", "1.2")));
            requests.markDone("2.25.2");
            // once answered, the requester may use it again
            assertEquals(CommitmentRequests.Added.NEW, requests.add(request("2.25.2", "1.1", "1.2")));
            assertEquals(2, requests.pending().get(0).instances().size());
        }
    }

    @Test
    void eachFailureHasItsReason() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            TestInstances.insert(index, STUDY);
            CommitmentRequest r = new CommitmentRequest("2.25.3", "MODALITY", "PACS", "node1", 0, List.of(
                    new ReferencedSop(UID.CTImageStorage, STUDY.sopUID(0, 0)),
                    new ReferencedSop(UID.CTImageStorage, "1.2.3.404"),
                    new ReferencedSop(UID.MRImageStorage, STUDY.sopUID(0, 1))));
            CommitmentResult one = new CommitmentCheck(index, DurableCopies.STANDALONE).check(r);
            assertEquals(List.of(r.instances().get(0)), one.committed());
            assertEquals(List.of(new CommitmentResult.Failed(r.instances().get(1), FailureReason.NO_SUCH_OBJECT_INSTANCE),
                    new CommitmentResult.Failed(r.instances().get(2), FailureReason.CLASS_INSTANCE_CONFLICT)), one.failed());
            assertEquals(CommitmentResult.FAILURES_EXIST, one.eventTypeID());

            // a replication factor of 2 with one copy: processing failure
            DurableCopies two = new DurableCopies() {
                @Override
                public int required() {
                    return 2;
                }

                @Override
                public int count(IndexedInstance instance) {
                    return DurableCopies.STANDALONE.count(instance);
                }
            };
            CommitmentResult few = new CommitmentCheck(index, two).check(r);
            assertEquals(FailureReason.PROCESSING_FAILURE, few.failed().get(0).reason());

            DataSet info = one.eventInformation("PACS");
            assertEquals("2.25.3", info.getString(Tag.TransactionUID));
            assertEquals(1, info.getSequence(Tag.ReferencedSOPSequence).size());
            assertEquals(0x0112, info.getSequence(Tag.FailedSOPSequence).get(0).getInt(Tag.FailureReason, 0));
        }
    }

    @Test
    void aMissingInstanceIsWaitedForThenTheReportIsRetriedUntilDelivered() throws Exception {
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            CommitmentRequests requests = new CommitmentRequests(db);
            Recorder reporter = new Recorder(1);
            try (CommitmentService service = new CommitmentService(requests,
                    new CommitmentCheck(index, DurableCopies.STANDALONE), reporter, CommitmentPeers.alone("node1"),
                    Duration.ofSeconds(30)).start()) {
                CommitmentRequest r = request("2.25.4", STUDY.sopUID(0, 0), STUDY.sopUID(0, 2));
                service.accept(r);
                service.acknowledged("2.25.4");
                Thread.sleep(1500);
                assertTrue(reporter.reports.isEmpty(), "reported before its instances arrived and before the wait ended");
                TestInstances.insert(index, STUDY);
                CommitmentResult result = reporter.reports.poll(20, TimeUnit.SECONDS);
                assertEquals(List.of(), result.failed());
                assertEquals(r.instances(), result.committed());
                assertTrue(reporter.failures.get() < 0, "the first delivery failed and was retried");
                waitUntilDone(requests, "2.25.4");
            }
        }
    }

    @Test
    void afterTheWaitTheMissingAreReportedFailedAndAPendingRequestResumesAtStart() throws Exception {
        CommitmentRequest r = request("2.25.5", STUDY.sopUID(0, 0), "1.2.3.404");
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            new CommitmentRequests(db).add(r); // as if the node died right after the N-ACTION-RSP
        }
        try (IndexDatabase db = IndexDatabase.openH2(dir)) {
            SqlInstanceIndex index = new SqlInstanceIndex(db);
            TestInstances.insert(index, STUDY);
            CommitmentRequests requests = new CommitmentRequests(db);
            Recorder reporter = new Recorder(0);
            try (CommitmentService service = new CommitmentService(requests,
                    new CommitmentCheck(index, DurableCopies.STANDALONE), reporter, CommitmentPeers.alone("node1"),
                    Duration.ofSeconds(2)).start()) {
                CommitmentResult result = reporter.reports.poll(20, TimeUnit.SECONDS);
                assertEquals(List.of(r.instances().get(0)), result.committed());
                assertEquals(List.of(new CommitmentResult.Failed(r.instances().get(1),
                        FailureReason.NO_SUCH_OBJECT_INSTANCE)), result.failed());
                waitUntilDone(requests, "2.25.5");
                assertFalse(requests.isPending("2.25.5"));
            }
        }
    }

    private static void waitUntilDone(CommitmentRequests requests, String uid) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (!requests.isDone(uid)) {
            assertTrue(System.currentTimeMillis() < deadline, uid + " not marked done");
            Thread.sleep(50);
        }
    }
}
