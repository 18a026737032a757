package org.gridpacs.dose.jobs;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.engine.Cancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's QUEUED jobs one at a time (a Monte Carlo run takes every core), oldest first among those that
 * are ready, on its own thread. An on-arrival job is ready once its CT series exists and has stopped growing; it
 * fails when its wait runs out. A job reads its inputs, calculates, and only then stores what it made: a failed or
 * cancelled job leaves nothing in the archive.
 */
final class JobRunner implements Runnable, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    static final String WAITING = "waiting for the CT series";
    /** How often the queue is looked at without a wake-up (waiting jobs, timeouts). */
    private static final long IDLE_MILLIS = 500;

    private final JobStore store;
    private final ArchiveInputs archive;
    private final DoseCalculation calculation;
    private final InstanceStore target;
    private final String origin;
    private final DoseJobsConfig config;
    private final CtStability stability;
    private final long progressMillis;
    private final Semaphore wake = new Semaphore(0);
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
    /** Runs stopped because the job is no longer this node's to run (another node took it, or a peer ended it). */
    private final java.util.Set<String> released = ConcurrentHashMap.newKeySet();
    /** The Frame of Reference of each waiting job's plan (read once), empty for a plan without one. */
    private final Map<String, Optional<String>> planFrames = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closing;

    /**
     * @param origin what the stores of the service's objects name as their sender (the store listeners know the
     *               service's own objects by it)
     */
    JobRunner(JobStore store, ArchiveInputs archive, DoseCalculation calculation, InstanceStore target, String origin,
              DoseJobsConfig config, CtStability stability, long progressMillis) {
        this.store = store;
        this.archive = archive;
        this.calculation = calculation;
        this.target = target;
        this.origin = origin;
        this.config = config;
        this.stability = stability;
        this.progressMillis = progressMillis;
        this.thread = new Thread(this, "dose-jobs");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Something changed (a job queued, a CT instance arrived): look at the queue now. */
    void wake() {
        wake.release();
    }

    /** Stops a running job between rounds. @return whether it was running here */
    boolean cancelRunning(String id) {
        Cancellation c = running.get(id);
        if (c != null) {
            c.cancel();
        }
        return c != null;
    }

    /**
     * Stops a run of a job whose row a peer changed (it now belongs to another node, or has ended there) without
     * writing to the row: the row is the peer's now.
     */
    void release(String id) {
        Cancellation c = running.get(id);
        if (c != null) {
            released.add(id);
            c.cancel();
        }
    }

    @Override
    public void run() {
        while (!closing) {
            try {
                JobRecord next = nextReady();
                if (next != null) {
                    run(next);
                    continue;
                }
                wake.tryAcquire(IDLE_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                LOG.warn("The dose job queue could not be read; retrying", e);
                sleepQuietly();
            }
        }
    }

    /** The oldest QUEUED job that can run now; fails waiting jobs whose wait ran out. */
    private JobRecord nextReady() throws Exception {
        Instant now = Instant.now();
        for (JobRecord j : store.queued()) {
            if (j.waitCtUntil() == null) {
                return j;
            }
            boolean ready;
            try {
                ready = ctReady(j, now);
            } catch (java.io.IOException | org.gridpacs.archive.query.QueryException e) {
                // this job's plan or the index cannot be read now: the other jobs go on, this one looks again later
                LOG.warn("Dose job {} cannot check its CT series: {}", j.id(), e.toString());
                continue;
            }
            if (ready) {
                store.stopWaiting(j.id());
                planFrames.remove(j.id());
                return store.get(j.id()).orElse(null);
            }
        }
        return null;
    }

    /** Whether a waiting job's CT series is there and stable; fails the job when its wait ran out. */
    private boolean ctReady(JobRecord j, Instant now) throws Exception {
        String study = j.request().study();
        Optional<String> frame = planFrames.get(j.id());
        if (frame == null) {
            IndexedInstance plan = j.request().plan() != null ? archive.instance(study, j.request().plan()) : null;
            if (plan == null) {
                store.fail(j.id(), "RT Plan " + j.request().plan() + " is no longer in study " + study);
                return false;
            }
            frame = Optional.ofNullable(archive.read(plan).getString(Tag.FrameOfReferenceUID));
            planFrames.put(j.id(), frame);
        }
        String problem;
        try {
            CtSeriesChoice.CtSeriesInfo s = CtSeriesChoice.choose(study, archive.ctSeries(study), frame.orElse(null));
            if (stability.isStable(s.seriesUid(), s.instances(), now)) {
                return true;
            }
            problem = "CT series " + s.seriesUid() + " (" + s.instances() + " instances) is still arriving";
        } catch (DoseInputException e) {
            problem = e.getMessage();
        }
        if (now.isAfter(j.waitCtUntil())) {
            long minutes = Math.round(config.waitForCt().toSeconds() / 60.0);
            String waited = config.waitForCt().toSeconds() >= 60 ? minutes + " minutes"
                    : config.waitForCt().toSeconds() + " seconds";
            store.fail(j.id(), (frame.isPresent() ? "no CT series with Frame of Reference " + frame.get()
                    : "no CT series") + " arrived within " + waited + " (" + problem + ")");
            planFrames.remove(j.id());
        }
        return false;
    }

    private void run(JobRecord job) throws SQLException {
        if (!store.start(job.id(), "finding the CT series")) {
            return; // cancelled meanwhile
        }
        Cancellation cancel = new Cancellation();
        running.put(job.id(), cancel);
        try {
            DoseOutput out = calculate(job, cancel);
            cancel.check();
            store.detail(job.id(), "storing the results");
            if (out.generatedPlan() != null) {
                save(out.generatedPlan()); // first, so the RT Dose's reference resolves as soon as it is stored
            }
            for (DataSet d : out.doses()) {
                save(d);
            }
            String planUid = out.generatedPlan() != null ? out.generatedPlan().getString(Tag.SOPInstanceUID) : null;
            String doseUid = out.doses().get(0).getString(Tag.SOPInstanceUID);
            String errorUid = out.doses().size() > 1 ? out.doses().get(1).getString(Tag.SOPInstanceUID) : null;
            store.done(job.id(), doseUid, errorUid, planUid, "RT Dose stored");
            LOG.info("Dose job {} done: RT Dose {} in study {}", job.id(), doseUid, job.request().study());
        } catch (DoseInputException e) {
            LOG.info("Dose job {} failed: {}", job.id(), e.getMessage());
            store.fail(job.id(), e.getMessage());
        } catch (CancellationException e) {
            if (released.remove(job.id())) {
                LOG.info("Dose job {} stopped here: another node runs it or it has ended", job.id());
            } else if (!closing) {
                store.cancel(job.id());
                LOG.info("Dose job {} cancelled", job.id());
            } // closing: the row stays RUNNING and the job reruns at the next start
        } catch (StoreException e) {
            LOG.warn("Dose job {}: the archive refused its results", job.id(), e);
            store.fail(job.id(), "the archive did not store the results: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!closing) {
                store.fail(job.id(), "interrupted");
            }
        } catch (Exception | OutOfMemoryError e) { // a CT too large for the heap fails its job, not the runner
            if (closing) {
                return;
            }
            LOG.warn("Dose job {} failed", job.id(), e);
            store.fail(job.id(), "internal error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        } finally {
            running.remove(job.id());
            released.remove(job.id());
        }
    }

    private DoseOutput calculate(JobRecord job, Cancellation cancel) throws Exception {
        String study = job.request().study();
        DataSet plan = null;
        if (job.request().beams().isEmpty()) {
            String planUid = job.request().plan();
            if (planUid == null) {
                List<String> plans = archive.rtPlans(study);
                if (plans.size() != 1) {
                    throw new DoseInputException("study " + study + " has " + plans.size() + " RT Plans: name one"
                            + (plans.isEmpty() ? " or give a beam description" : " of " + String.join(", ", plans)));
                }
                planUid = plans.get(0);
            }
            IndexedInstance p = archive.instance(study, planUid);
            if (p == null) {
                throw new DoseInputException("RT Plan " + planUid + " is not in study " + study);
            }
            if (!UID.RTPlanStorage.equals(p.sopClassUID())) {
                throw new DoseInputException(planUid + " is not an RT Plan (SOP Class " + p.sopClassUID() + ")");
            }
            plan = archive.read(p);
        }
        String frame = plan != null ? plan.getString(Tag.FrameOfReferenceUID) : null;
        CtSeriesChoice.CtSeriesInfo s = CtSeriesChoice.choose(study, archive.ctSeries(study), frame);
        List<IndexedInstance> ct = archive.instances(study, s.seriesUid());
        store.detail(job.id(), "reading CT 0/" + ct.size());
        double target = job.request().uncertainty() != null ? job.request().uncertainty() / 100 : 0;
        ProgressThrottle progress = new ProgressThrottle(store, job.id(), target, progressMillis);
        DoseOutput out = calculation.calculate(job, new ArchiveJobInputs(archive, s.seriesUid(), ct, plan),
                text -> detail(job.id(), text), progress, cancel);
        progress.flush();
        return out;
    }

    private void detail(String id, String text) {
        try {
            store.detail(id, text);
        } catch (SQLException e) {
            LOG.warn("Could not record what dose job {} does: {}", id, e.toString());
        }
    }

    /** Through the ordinary store path: indexed, replicated; a rerun's same bytes are a harmless duplicate. */
    private void save(DataSet ds) throws StoreException {
        target.store(StoreRequest.of(ds, UID.ExplicitVRLittleEndian, origin), ds);
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** Stops the thread: a running job is cancelled and stays RUNNING, to rerun at the next start. */
    @Override
    public void close() {
        closing = true;
        running.values().forEach(Cancellation::cancel);
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
