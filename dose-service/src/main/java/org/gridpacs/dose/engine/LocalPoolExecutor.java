package org.gridpacs.dose.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs batches on a fixed pool of threads of this JVM, all scoring into one tally (locked per batch, as the engine
 * always did: one phantom-sized array per run, not one per thread). The job is prepared once and kept while the same
 * job comes back for its next round; its runners (transport and phantom-sized energy array, at most one per thread)
 * wait in a queue between batches and go with the job when the next job comes, so a long-lived pool does not keep
 * old jobs' arrays in its threads. One caller at a time.
 */
public final class LocalPoolExecutor implements BatchExecutor {
    private final ExecutorService pool;
    private final LongAdder cpuNanos = new LongAdder();
    private DoseJob preparedFor;
    private PreparedJob prepared;
    private Queue<BatchRunner> idleRunners;

    public LocalPoolExecutor(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads);
        }
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dose-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void run(DoseJob job, List<Batch> batches, Tally into, BatchListener listener,
                                 Cancellation cancel) throws InterruptedException {
        if (job != preparedFor) {
            prepared = new PreparedJob(job); // once per job, shared read-only by the threads
            idleRunners = new ConcurrentLinkedQueue<>();
            preparedFor = job;
        }
        PreparedJob p = prepared;
        Queue<BatchRunner> idle = idleRunners;
        List<Future<?>> futures = new ArrayList<>(batches.size());
        for (Batch b : batches) {
            futures.add(pool.submit(() -> {
                if (!cancel.isCancelled()) {
                    BatchRunner r = idle.poll();
                    if (r == null) {
                        r = p.newRunner();
                    }
                    cpuNanos.add(r.run(b, into));
                    idle.add(r); // not after a failure: its energy array may hold part of a batch
                    listener.batchDone(b);
                }
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("dose batch failed", e.getCause());
        } finally {
            for (Future<?> f : futures) {
                f.cancel(false); // after an error or interrupt: batches not started yet are dropped
            }
        }
        cancel.check();
    }

    @Override
    public double cpuSeconds() {
        return cpuNanos.sum() / 1e9;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
