package org.gridpacs.grid.tier;

import java.io.Closeable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tier operations run as jobs, one at a time on this node (they share the grid's bandwidth), each with progress an
 * administrator can poll ({@code GET /api/grid/jobs/ID}). Kept in memory: the last {@value #KEEP} jobs; a job
 * lost with a restart has its durable part in {@link TierStates} (resumed at start).
 */
public final class TierJobs implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TierJobs.class);
    private static final int KEEP = 100;
    private static final int MAX_ERRORS = 50;

    public enum State { QUEUED, RUNNING, DONE, FAILED }

    /** One job's view: {@code errors} the first problems, {@code result} a summary once done. */
    public record View(long id, String kind, String target, State state, int done, int total, List<String> errors,
                       String result, Instant started, Instant ended) {
    }

    /** The work of a job. */
    public interface Work {
        /** Does the job, reporting to {@code progress}; returns its summary, or throws its failure. */
        String run(TierProgress progress) throws Exception;
    }

    private final class Job implements TierProgress {
        final long id;
        final String kind;
        final String target;
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger total = new AtomicInteger();
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        volatile State state = State.QUEUED;
        volatile String result;
        volatile Instant started;
        volatile Instant ended;

        Job(long id, String kind, String target) {
            this.id = id;
            this.kind = kind;
            this.target = target;
        }

        @Override
        public void total(int instances) {
            total.addAndGet(instances);
        }

        @Override
        public void done(int instances) {
            done.addAndGet(instances);
        }

        @Override
        public void error(String text) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(text);
            }
        }

        View view() {
            return new View(id, kind, target, state, done.get(), total.get(), List.copyOf(errors), result, started,
                    ended);
        }
    }

    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "grid-tier-jobs");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Job> eldest) {
            return size() > KEEP;
        }
    });

    /** Queues a job; returns its first view (QUEUED). */
    public View submit(String kind, String target, Work work) {
        Job job = new Job(ids.incrementAndGet(), kind, target);
        jobs.put(job.id, job);
        thread.execute(() -> {
            job.started = Instant.now();
            job.state = State.RUNNING;
            try {
                job.result = work.run(job);
                job.state = State.DONE;
            } catch (Exception e) {
                String text = e.getMessage() != null ? e.getMessage() : e.toString();
                job.result = text;
                job.state = State.FAILED;
                LOG.warn("Grid {} {} failed: {}", kind, target, text);
            } finally {
                job.ended = Instant.now();
            }
        });
        return job.view();
    }

    public Optional<View> get(long id) {
        Job j = jobs.get(id);
        return j == null ? Optional.empty() : Optional.of(j.view());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
