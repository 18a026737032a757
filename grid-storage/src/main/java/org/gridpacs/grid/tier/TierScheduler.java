package org.gridpacs.grid.tier;

import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * of the study's rendezvous ranking: one node migrates a study) as jobs, and, while the node's file system is fuller
 * than {@link TierPolicy#fillPercent()}, the least recently read ones it leads ({@link FillLevel}).
 */
public final class TierScheduler implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TierScheduler.class);
    private static final int PASS_STUDIES = 1000;

    private final StudyTiering tiering;
    private final TierJobs jobs;
    private final TierPolicy policy;
    private final Predicate<String> leads;
    /** The fill-level policy; null when off or when the node's storage is no local file system. */
    private final FillLevel fill;
    /** Studies this scheduler queued whose migration has not ended. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Studies whose re-staging is queued or running (apart: they take space, not free it). */
    private final Set<String> restaging = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final Map<String, Instant> reads = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "grid-tier-policy");
        t.setDaemon(true);
        return t;
    });

    public TierScheduler(StudyTiering tiering, TierJobs jobs, TierPolicy policy, Predicate<String> leads) {
        this(tiering, jobs, policy, leads, null);
    }

    /** {@code disk}: the file system of the node's storage, null when it has none (then the fill level is off). */
    public TierScheduler(StudyTiering tiering, TierJobs jobs, TierPolicy policy, Predicate<String> leads,
                         DiskSpace disk) {
        this.tiering = tiering;
        this.jobs = jobs;
        this.policy = policy;
        this.leads = leads;
        if (policy.fillPercent() > 0 && disk == null) {
            LOG.warn("{} = {} ignored: this node's storage is not on a local file system", TierPolicy.FILL_PERCENT,
                    policy.fillPercent());
        }
        this.fill = policy.fillPercent() > 0 && disk != null ? new FillLevel(disk, policy.fillPercent()) : null;
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
            return;
        }
        if (policy.restageHours() > 0 && !closing) {
            restageRead(batch.keySet());
        }
    }

    /** Queues the re-staging of the studies read that are grid-only (after their retrieve began, not in its way). */
    private void restageRead(Set<String> studies) {
        for (String study : studies) {
            try {
                if (restaging.contains(study) || !tiering.restaging().gridOnly(study)) {
                    continue; // local, being migrated or restored, or re-staged already (its last read extends it)
                }
                restaging.add(study);
                jobs.submit("restage", study, p -> {
                    try {
                        int n = tiering.restaging().restage(study, p);
                        return n < 0 ? "study " + study + " is not grid-only here any more"
                                : "study " + study + " re-staged from the grid (" + n + " instances), local until "
                                + policy.restageHours() + " hours after its last read";
                    } finally {
                        restaging.remove(study);
                    }
                });
            } catch (SQLException | RuntimeException e) {
                restaging.remove(study);
                LOG.info("Study {} not re-staged from the grid: {}", study, e.getMessage());
            }
        }
    }

    /**
     * One pass now (tests): unfinished migrations resumed, then what the policy selects submitted; returns how many
     * studies it queued.
     */
    public int pass() {
        try {
            flushReads();
            jobs.submit("resume", "unfinished migrations", p -> "unfinished: " + tiering.resume());
            if (!tiering.states().inState(TierStates.State.RESTAGED).isEmpty()) {
                // 0 (turned off since): every re-staged study goes back to its grid copies
                Duration keep = Duration.ofHours(policy.restageHours());
                jobs.submit("unstage", "re-staged studies not read for " + keep.toHours() + " hours",
                        p -> tiering.restaging().expire(keep) + " studies back to their grid copies only");
            }
            int n = 0;
            if (policy.afterDays() > 0) {
                n += notReadForDays();
            }
            if (fill != null) {
                n += aboveFillLevel();
            }
            return n;
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("Tiering pass failed: {}", e.toString());
            return 0;
        }
    }

    private int notReadForDays() throws SQLException {
        int n = 0;
        for (String study : tiering.states().notReadSince(
                Instant.now().minus(Duration.ofDays(policy.afterDays())), PASS_STUDIES)) {
            if (!queued.contains(study) && leads.test(study)) {
                queue(study, "not read for " + policy.afterDays() + " days");
                n++;
            }
        }
        if (n > 0) {
            LOG.info("Tiering policy: {} studies not read for {} days queued for migration to the grid", n,
                    policy.afterDays());
        }
        return n;
    }

    private int aboveFillLevel() throws IOException, SQLException {
        Optional<FillLevel.Plan> found = fill.plan(tiering.states().leastRecentlyRead(PASS_STUDIES), Set.copyOf(queued),
                leads, tiering::localBytes);
        if (found.isEmpty()) {
            return 0;
        }
        FillLevel.Plan plan = found.get();
        String level = String.format("Local storage is %.1f%% full (%s of %s; %s = %d)", plan.usage().percent(),
                mb(plan.usage().used()), mb(plan.usage().size()), TierPolicy.FILL_PERCENT, fill.percent());
        String before = plan.queuedBytes() > 0 ? " (and " + mb(plan.queuedBytes()) + " queued before)" : "";
        if (plan.chosen().isEmpty()) {
            boolean enough = plan.projectedPercent() < fill.percent() - FillLevel.HYSTERESIS_POINTS;
            LOG.info("{}: {}{}", level, enough ? "the migrations queued before suffice"
                    : "no further study to migrate to the grid (this node migrates the studies it leads and holds)",
                    plan.queuedBytes() == 0 ? "" : String.format(" (%s queued, about %.1f%% full once done)",
                            mb(plan.queuedBytes()), plan.projectedPercent()));
            return 0;
        }
        plan.chosen().forEach((study, bytes) -> queue(study, "local storage above " + fill.percent() + "% full, "
                + mb(bytes) + " freed here"));
        LOG.info("{}: the {} least recently read studies queued for migration to the grid, freeing {} here{};"
                + " about {} full once they are done", level, plan.chosen().size(), mb(plan.chosenBytes()), before,
                String.format("%.1f%%", plan.projectedPercent()));
        return plan.chosen().size();
    }

    /** Queues a migration of {@code study}; a later pass does not queue it again while it waits or runs. */
    private void queue(String study, String why) {
        queued.add(study);
        jobs.submit("migrate", study, p -> {
            try {
                tiering.migrate(study, p);
                return "study " + study + " tiered (" + why + ")";
            } finally {
                queued.remove(study);
            }
        });
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    @Override
    public void close() {
        closing = true;
        timer.shutdownNow();
        flushReads();
    }
}
