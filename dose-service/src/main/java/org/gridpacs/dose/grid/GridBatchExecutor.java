package org.gridpacs.dose.grid;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteBiPredicate;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteInterruptedException;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.cluster.ClusterGroupEmptyException;
import org.apache.ignite.cluster.ClusterTopologyException;
import org.apache.ignite.compute.ComputeTaskFuture;
import org.apache.ignite.lang.IgniteFutureTimeoutException;
import org.gridpacs.dose.engine.Batch;
import org.gridpacs.dose.engine.BatchExecutor;
import org.gridpacs.dose.engine.BatchListener;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.Tally;

/**
 * Runs a job's batches on the dose workers of the compute grid, from a node that has joined it (the archive node's
 * client node). Each round is one task: one share per worker, in proportion to its threads; the shares' tallies are
 * merged into the caller's tally, exactly, so the bytes do not depend on how many workers there are or which one
 * ran what. The job goes to each worker once: it rides along with a worker's first share under a random key (no
 * patient identity leaves with it), and later shares name only the key and the batches.
 *
 * <p>One job at a time, like {@link org.gridpacs.dose.engine.LocalPoolExecutor}; a new job makes the workers forget
 * the previous one, as does {@link #close()} (the grid node itself belongs to the caller).
 */
public final class GridBatchExecutor implements BatchExecutor {
    // BatchListener: told once per batch, as a worker finishes it (a message each, for progress within long rounds)
    private static final long POLL_MILLIS = 20;
    private static final long FORGET_WAIT_MILLIS = 1000;
    private final Ignite ignite;
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder tallyBytes = new LongAdder();
    private final LongAdder failovers = new LongAdder();
    private final LongAdder reduceNanos = new LongAdder();
    private DoseJob current;
    private String jobKey;
    private byte[] jobBytes;
    private Set<UUID> haveJob;
    private long jobEncodeNanos;

    public GridBatchExecutor(Ignite ignite) {
        this.ignite = ignite;
    }

    @Override
    public synchronized void run(DoseJob job, List<Batch> batches, Tally into, BatchListener listener,
                                 Cancellation cancel) throws InterruptedException {
        cancel.check();
        if (batches.isEmpty()) {
            return;
        }
        ClusterGroup workers = workers();
        if (job != current) {
            forgetCurrent(workers);
            long t0 = System.nanoTime();
            jobBytes = JobBytes.encode(job);
            jobEncodeNanos = System.nanoTime() - t0;
            jobKey = UUID.randomUUID().toString();
            haveJob = ConcurrentHashMap.newKeySet();
            current = job;
        }
        // the workers say when each batch is done (progress within the round); the shares' tallies come at its end
        // (each batch told once: at its message, or at the end of the round for those whose message came late)
        Map<Integer, Batch> untold = new ConcurrentHashMap<>();
        batches.forEach(b -> untold.put(b.index(), b));
        String topic = ShareJob.progressTopic(jobKey);
        IgniteBiPredicate<UUID, Object> progress = (node, index) -> {
            Batch b = untold.remove(index);
            if (b != null) {
                listener.batchDone(b);
            }
            return true;
        };
        ignite.message().localListen(topic, progress);
        try {
            List<Batch> todo = batches;
            boolean attachAlways = false;
            while (!todo.isEmpty()) {
                RoundTask task = new RoundTask(jobKey, jobBytes, haveJob, attachAlways, todo, into, cpuNanos,
                        tallyBytes, failovers, reduceNanos);
                ComputeTaskFuture<Void> f;
                try {
                    f = ignite.compute(workers).executeAsync(task, null);
                } catch (ClusterGroupEmptyException | IgniteClientDisconnectedException e) {
                    throw new NoDoseWorkerException("none is connected", e);
                }
                await(f, cancel);
                todo = task.rerun(); // shares whose worker had lost the job (expired): again, with the job
                attachAlways = true;
            }
        } finally {
            ignite.message().stopLocalListen(topic, progress);
        }
        for (Integer index : List.copyOf(untold.keySet())) {
            Batch b = untold.remove(index);
            if (b != null) {
                listener.batchDone(b);
            }
        }
        cancel.check();
    }

    private ClusterGroup workers() {
        ClusterGroup workers;
        try {
            workers = ignite.cluster().forServers().forAttribute(GridNodes.WORKER_THREADS, null);
        } catch (IgniteClientDisconnectedException e) {
            throw new NoDoseWorkerException("this node has lost the grid: " + e.getMessage(), e);
        }
        if (workers.nodes().isEmpty()) {
            throw new NoDoseWorkerException("none has joined", null);
        }
        return workers;
    }

    private static void await(ComputeTaskFuture<Void> f, Cancellation cancel) throws InterruptedException {
        try {
            while (true) {
                if (cancel.isCancelled()) {
                    f.cancel(); // the workers' shares stop before their next batch
                    throw new CancellationException("dose calculation cancelled");
                }
                try {
                    f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    return;
                } catch (IgniteFutureTimeoutException e) {
                    // poll the cancellation again
                }
            }
        } catch (IgniteInterruptedException e) {
            f.cancel();
            throw new InterruptedException("interrupted while the grid ran dose batches");
        } catch (ClusterTopologyException | IgniteClientDisconnectedException e) {
            throw new NoDoseWorkerException("every worker left during the round: " + e.getMessage(), e);
        } catch (IgniteException e) {
            throw new IllegalStateException("dose batches failed on the grid: " + e.getMessage(), e);
        }
    }

    @Override
    public double cpuSeconds() {
        return cpuNanos.sum() / 1e9;
    }

    /** Size of the current job as sent to a worker, bytes (0 before the first round). */
    public synchronized int jobBytes() {
        return jobBytes == null ? 0 : jobBytes.length;
    }

    /** Time spent encoding the current job for the workers, s. */
    public synchronized double jobEncodeSeconds() {
        return jobEncodeNanos / 1e9;
    }

    /** Compressed tally bytes received from the workers so far. */
    public long tallyBytesReceived() {
        return tallyBytes.sum();
    }

    /** Time spent inflating the workers' tallies and merging them into the caller's, s. */
    public double reduceSeconds() {
        return reduceNanos.sum() / 1e9;
    }

    /** Shares that failed over to another worker (their node left mid-round). */
    public long failovers() {
        return failovers.sum();
    }

    private void forgetCurrent(ClusterGroup workers) {
        if (jobKey != null) {
            try {
                // best effort (expiry covers a miss), but briefly awaited: a client closed right after would
                // otherwise cancel it
                ignite.compute(workers).broadcastAsync(new ForgetJob(jobKey)).get(FORGET_WAIT_MILLIS);
            } catch (IgniteException e) {
                // a worker that does not hear it drops the job when it expires
            }
            jobKey = null;
            jobBytes = null;
            current = null;
        }
    }

    @Override
    public synchronized void close() {
        if (jobKey != null) {
            try {
                forgetCurrent(ignite.cluster().forServers().forAttribute(GridNodes.WORKER_THREADS, null));
            } catch (IgniteException e) {
                // the grid is gone: nothing to tell
            }
        }
    }
}
