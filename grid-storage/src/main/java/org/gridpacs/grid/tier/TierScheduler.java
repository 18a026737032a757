package org.gridpacs.grid.tier;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiering policy's background work: read times noted in memory on each retrieve ({@link #read}) and written
 * to the index in one transaction per {@link TierPolicy#readFlush()} (not one write per instance read); every
 * {@link TierPolicy#interval()} a pass resumes unfinished migrations and, when the policy is on, submits the
 * studies not read for {@link TierPolicy#afterDays()} days that this node leads (in a cluster, the first live node
 * of the study's rendezvous ranking: one node migrates a study) as jobs.
 */
public final class TierScheduler implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TierScheduler.class);
    private static final int PASS_STUDIES = 1000;

    private final StudyTiering tiering;
    private final TierJobs jobs;
    private final TierPolicy policy;
    private final Predicate<String> leads;
    private final Map<String, Instant> reads = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grid-tier-policy");
        t.setDaemon(true);
        return t;
    });

    public TierScheduler(StudyTiering tiering, TierJobs jobs, TierPolicy policy, Predicate<String> leads) {
        this.tiering = tiering;
        this.jobs = jobs;
        this.policy = policy;
        this.leads = leads;
    }

    public TierScheduler start() {
        long flush = policy.readFlush().toMillis();
        timer.scheduleWithFixedDelay(this::flushReads, flush, flush, TimeUnit.MILLISECONDS);
        long pass = policy.interval().toMillis();
        timer.scheduleWithFixedDelay(this::pass, pass, pass, TimeUnit.MILLISECONDS);
        return this;
    }

    /** A retrieve read the study now. */
    public void read(String study) {
        reads.put(study, Instant.now());
    }

    /** Writes the read times noted since the last flush. */
    public void flushReads() {
        Map<String, Instant> batch = new HashMap<>();
        for (String s : reads.keySet()) {
            Instant t = reads.remove(s);
            if (t != null) {
                batch.put(s, t);
            }
        }
        try {
            tiering.states().recordReads(batch);
        } catch (SQLException | RuntimeException e) {
            batch.forEach(reads::putIfAbsent); // kept for the next flush
            LOG.info("Could not record the studies' read times: {}", e.getMessage());
        }
    }

    /** One pass now (tests): unfinished migrations resumed, then what the policy selects submitted. */
    public int pass() {
        try {
            flushReads();
            jobs.submit("resume", "unfinished migrations", p -> "unfinished: " + tiering.resume());
            if (!policy.enabled()) {
                return 0;
            }
            int n = 0;
            for (String study : tiering.states().notReadSince(
                    Instant.now().minus(java.time.Duration.ofDays(policy.afterDays())), PASS_STUDIES)) {
                if (leads.test(study)) {
                    jobs.submit("migrate", study, p -> {
                        tiering.migrate(study, p);
                        return "study " + study + " tiered (not read for " + policy.afterDays() + " days)";
                    });
                    n++;
                }
            }
            if (n > 0) {
                LOG.info("Tiering policy: {} studies not read for {} days queued for migration to the grid", n,
                        policy.afterDays());
            }
            return n;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Tiering pass failed: {}", e.toString());
            return 0;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        flushReads();
    }
}
