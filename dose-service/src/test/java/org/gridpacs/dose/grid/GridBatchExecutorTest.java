package org.gridpacs.dose.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dose.engine.Batch;
import org.gridpacs.dose.engine.BatchExecutor;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.LocalPoolExecutor;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.engine.Tally;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute grid against the local pool, with worker JVMs (Ignite server nodes over TLS) on loopback: the same
 * tally bytes on 1, 2 and 3 workers and after a worker is killed mid-job; cancellation; TLS keeps strangers out.
 * The workers are started once and added one by one (each start costs seconds).
 */
@ProcessTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GridBatchExecutorTest {
    @TempDir
    static Path dir;
    private static GridFixture grid;
    private static DoseGrid client;
    private static Process worker1;
    private static Process worker2;
    private static Process worker3;

    /** 30 batches of 2000 histories in three rounds, 1 cm water: a second or two of CPU. */
    private static DoseJob job(long seed) {
        return DoseJob.raw(SyntheticPhantoms.water(1.0), new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0)),
                DoseSettings.histories(60_000, seed).withTarget(0, 2_000).withThreads(2));
    }

    private static byte[] local(DoseJob job) {
        try (LocalPoolExecutor pool = new LocalPoolExecutor(2)) {
            return MonteCarlo.run(job, pool, ProgressListener.NONE, new Cancellation()).tally.toBytes();
        }
    }

    private static byte[] onGrid(DoseJob job, BatchExecutor executor) {
        return MonteCarlo.run(job, executor, ProgressListener.NONE, new Cancellation()).tally.toBytes();
    }

    @BeforeAll
    static void startGrid() throws Exception {
        grid = new GridFixture(dir);
        worker1 = grid.startWorker("worker1", 1);
        client = new DoseGrid(grid.config(grid.tls("archive1"), 20_000), "test-client");
        client.join();
    }

    @AfterAll
    static void stopGrid() throws Exception {
        if (client != null) {
            client.close();
        }
        if (grid != null) {
            grid.close();
        }
    }

    @Test
    @Order(1)
    void sameBytesOnOneTwoAndThreeWorkersAsOnTheLocalPool() throws Exception {
        DoseJob job = job(42);
        byte[] expected = local(job);
        assertEquals(1, client.workers().size());
        byte[] one;
        try (BatchExecutor e = client.executor()) {
            long t0 = System.nanoTime();
            one = onGrid(job, e);
            System.out.printf("1 worker: %.3f s%n", (System.nanoTime() - t0) / 1e9);
        }
        assertArrayEquals(expected, one);

        worker2 = grid.startWorker("worker2", 2);
        awaitWorkers(2);
        try (BatchExecutor e = client.executor()) {
            assertArrayEquals(expected, onGrid(job, e));
        }
        worker3 = grid.startWorker("worker3", 1);
        awaitWorkers(3);
        try (GridBatchExecutor e = (GridBatchExecutor) client.executor()) {
            long t0 = System.nanoTime();
            AtomicInteger batches = new AtomicInteger();
            Tally t = new Tally(job.phantom().voxels());
            e.run(job, List.of(new Batch(0, 2000), new Batch(1, 2000), new Batch(2, 2000), new Batch(3, 2000)), t,
                    b -> batches.incrementAndGet(), new Cancellation());
            long t1 = System.nanoTime();
            // a second round: the job is not sent again
            e.run(job, List.of(new Batch(4, 2000)), t, b -> batches.incrementAndGet(), new Cancellation());
            long t2 = System.nanoTime();
            assertEquals(5, batches.get());
            assertEquals(5, t.batches());
            System.out.printf("3 workers: first round %.3f s, second %.3f s; job %d bytes, tallies %d bytes%n",
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, e.jobBytes(), e.tallyBytesReceived());
            assertArrayEquals(expected, onGrid(job, e));
        }
        // another seed gives other bytes: the comparisons above could fail
        try (BatchExecutor e = client.executor()) {
            assertTrue(!java.util.Arrays.equals(expected, onGrid(job(43), e)));
        }
    }

    @Test
    @Order(2)
    void aWorkerKilledMidJobChangesNoByte() throws Exception {
        // 3 rounds of 10 batches of 20 000 histories: a round takes long enough to kill a worker in the middle of it
        DoseJob job = DoseJob.raw(SyntheticPhantoms.water(1.0), new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10,
                10, 0, 0, 0)), DoseSettings.histories(600_000, 7).withTarget(0, 20_000).withThreads(2));
        byte[] expected = local(job);
        byte[] bytes;
        try (GridBatchExecutor e = (GridBatchExecutor) client.executor()) {
            AtomicInteger rounds = new AtomicInteger();
            BatchExecutor killing = new BatchExecutor() {
                @Override
                public void run(DoseJob j, List<Batch> batches, Tally into,
                                org.gridpacs.dose.engine.BatchListener listener, Cancellation cancel)
                        throws InterruptedException {
                    if (rounds.incrementAndGet() == 2) {
                        Thread killer = new Thread(() -> {
                            try {
                                Thread.sleep(150);
                            } catch (InterruptedException ignored) {
                                return;
                            }
                            worker3.destroyForcibly(); // kill -9 while its share of round 2 runs
                        });
                        killer.start();
                    }
                    e.run(j, batches, into, listener, cancel);
                }

                @Override
                public void close() {
                }
            };
            bytes = MonteCarlo.run(job, killing, ProgressListener.NONE, new Cancellation()).tally.toBytes();
            System.out.println("failovers: " + e.failovers());
            assertTrue(e.failovers() > 0, "worker3 was killed between rounds, not during one: no failover tested");
        }
        assertTrue(worker3.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertArrayEquals(expected, bytes);
    }

    @Test
    @Order(3)
    void cancelStopsTheJobOnTheWorkers() throws Exception {
        DoseJob job = DoseJob.raw(SyntheticPhantoms.water(1.0), new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10,
                10, 0, 0, 0)), DoseSettings.histories(50_000_000, 3).withTarget(0, 500_000).withThreads(2));
        Cancellation cancel = new Cancellation();
        AtomicInteger done = new AtomicInteger();
        try (BatchExecutor e = client.executor()) {
            Thread canceller = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException ignored) {
                    return;
                }
                cancel.cancel();
            });
            canceller.start();
            long t0 = System.nanoTime();
            assertThrows(CancellationException.class, () -> MonteCarlo.run(job, e, (d, p, u) -> done.incrementAndGet(),
                    cancel));
            double seconds = (System.nanoTime() - t0) / 1e9;
            // 100 batches of 500 000 histories would take minutes; the run stops within a batch of the cancel
            assertTrue(seconds < 20, "cancel took " + seconds + " s");
        }
        // the workers are free again: a small job runs at once
        try (BatchExecutor e = client.executor()) {
            assertArrayEquals(local(job(5)), onGrid(job(5), e));
        }
    }

    @Test
    @Order(4)
    void aNodeWithoutTheClusterCertificateCannotJoin() throws Exception {
        GridFixture stranger = new GridFixture(dir.resolve("other").toFile().mkdirs() ? dir.resolve("other")
                : dir.resolve("other"));
        // a certificate from another CA, then no TLS at all: both refused
        GridConfig other = grid.config(stranger.tls("intruder"), 5_000);
        try (DoseGrid g = new DoseGrid(other, "intruder-client")) {
            NoDoseWorkerException e = assertThrows(NoDoseWorkerException.class, g::join);
            System.out.println("foreign certificate: " + e.getMessage());
        }
        GridConfig plain = new GridConfig(other.addresses(), other.host(), other.discoveryPort(),
                other.communicationPort(), other.portRange(), null, other.workDirectory(), 5_000);
        try (DoseGrid g = new DoseGrid(plain, "plain-client")) {
            NoDoseWorkerException e = assertThrows(NoDoseWorkerException.class, g::join);
            System.out.println("no TLS: " + e.getMessage());
        }
        assertEquals(2, client.workers().size()); // and the grid still has its own workers
    }

    @Test
    @Order(5)
    void noWorkerSaysSo() throws Exception {
        GridFixture empty = new GridFixture(dir.resolve("empty").toFile().mkdirs() ? dir.resolve("empty")
                : dir.resolve("empty"));
        try (DoseGrid g = new DoseGrid(empty.config(empty.tls("lonely"), 2_000), "lonely-client")) {
            NoDoseWorkerException e = assertThrows(NoDoseWorkerException.class, g::executor);
            assertTrue(e.getMessage().startsWith("no dose worker in the compute grid"), e.getMessage());
        }
    }

    private static void awaitWorkers(int n) throws InterruptedException {
        for (int i = 0; i < 200 && client.workers().size() < n; i++) {
            Thread.sleep(50);
        }
        assertEquals(n, client.workers().size());
    }
}
