package org.gridpacs.dose.grid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.compute.ComputeJob;
import org.apache.ignite.compute.ComputeTaskSession;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.resources.TaskSessionResource;
import org.gridpacs.dose.engine.Batch;
import org.gridpacs.dose.engine.BatchRunner;
import org.gridpacs.dose.engine.Tally;

/**
 * One worker's share of a round: batch indices and sizes, the job's key and, only when this worker may not have the
 * job yet, the job itself. Runs the batches on the worker's pool (one runner per thread, all scoring into one tally
 * of this share) and returns the tally only when every batch is whole; checks for cancellation before each batch.
 */
final class ShareJob implements ComputeJob {
    private static final long serialVersionUID = 1L;
    private final String jobKey;
    private final int[] indices;
    private final long[] sizes;
    /** The serialized job, or null when the worker is known to have it. Set again before a failover. */
    private volatile byte[] jobBytes;

    @IgniteInstanceResource
    private transient Ignite ignite;
    @TaskSessionResource
    private transient ComputeTaskSession session;
    private transient volatile boolean cancelled;

    ShareJob(String jobKey, List<Batch> batches, byte[] jobBytes) {
        this.jobKey = jobKey;
        this.jobBytes = jobBytes;
        indices = new int[batches.size()];
        sizes = new long[batches.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = batches.get(i).index();
            sizes[i] = batches.get(i).histories();
        }
    }

    List<Batch> batches() {
        List<Batch> out = new ArrayList<>(indices.length);
        for (int i = 0; i < indices.length; i++) {
            out.add(new Batch(indices[i], sizes[i]));
        }
        return out;
    }

    /** Carries the job from now on (before a failover: the next worker may never have seen it). */
    void attach(byte[] job) {
        jobBytes = job;
    }

    boolean carriesJob() {
        return jobBytes != null;
    }

    @Override
    public Object execute() {
        WorkerJobs jobs = WorkerJobs.of(ignite);
        byte[] carried = jobBytes;
        WorkerJobs.Entry e = carried != null ? jobs.getOrPrepare(jobKey, JobBytes.decode(carried)) : jobs.get(jobKey);
        if (e == null) {
            return ShareResult.jobMissing();
        }
        Tally tally = new Tally(e.prepared.job().phantom().voxels());
        AtomicLong cpu = new AtomicLong();
        List<Future<?>> futures = new ArrayList<>(indices.length);
        for (Batch b : batches()) {
            futures.add(jobs.pool.submit(() -> {
                if (cancelled) {
                    return;
                }
                BatchRunner r = e.idle.poll();
                if (r == null) {
                    r = e.prepared.newRunner();
                }
                cpu.addAndGet(r.run(b, tally));
                e.idle.add(r); // not after a failure: its energy array may hold part of a batch
                progress(b);
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IgniteException("dose worker interrupted", ex);
        } catch (ExecutionException ex) {
            throw new IgniteException("dose batch failed: " + ex.getCause(), ex.getCause());
        } finally {
            for (Future<?> f : futures) {
                f.cancel(false);
            }
        }
        if (cancelled) {
            throw new IgniteException("dose share cancelled"); // ignored by the cancelled task: nothing partial leaves
        }
        return ShareResult.of(tally.toCompactBytes(), cpu.get());
    }

    /** Tells the caller a batch is done (for its progress bar; the share's tally comes back at the end). */
    private void progress(Batch b) {
        try {
            ignite.message(ignite.cluster().forNodeId(session.getTaskNodeId())).send(progressTopic(jobKey), b.index());
        } catch (RuntimeException ex) {
            // the caller is gone or unreachable: the share's result decides, progress is only a hint
        }
    }

    /** The message topic of a job's progress. */
    static String progressTopic(String jobKey) {
        return "dose-progress-" + jobKey;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }
}
