package org.gridpacs.dose.jobs;

import java.io.Closeable;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.dicom.data.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dose jobs of one node: requests in (HTTP, the on-arrival rule), durable in the index, run one at a time by
 * a {@link JobRunner}. At start, the jobs this node was running when it stopped are queued again: they rerun from
 * the start and, their output being derived from the job's id and creation time, store the same objects. In a
 * cluster ({@link #inCluster}) every node holds a row of every job, and the open jobs of a node that left the
 * cluster are taken over by another ({@link JobCluster}).
 *
 * <pre>
 *   DoseJobService jobs = new DoseJobService(config, database, inputs, store, "node1", calculation).start();
 *   storeListeners.add(new PlanArrivalListener(jobs));
 *   ...
 *   jobs.close();   // before the index and the executor the calculation uses
 * </pre>
 */
public final class DoseJobService implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(DoseJobService.class);
    /** The sender the service's own stores name (the store listeners know its objects by it). */
    public static final String ORIGIN = "GRIDPACS-DOSE";
    /** The most jobs a list shows. */
    static final int LIST_LIMIT = 500;

    private final DoseJobsConfig config;
    private final JobStore store;
    private final ArchiveInputs archive;
    private final CtStability stability;
    private final JobRunner runner;
    /** The cluster's side of the jobs (rows to peers, takeover); null for a node alone. */
    private JobCluster cluster;
    private Peers peers;
    private JobPeers transport;

    /**
     * @param database    the index, opened with {@link JobStore#SCHEMA} among its migrations
     * @param target      where results are stored: the node's notifying store (indexed, replicated)
     * @param node        this node's name, the owner of the jobs it creates
     * @param calculation the product's {@link MonteCarloCalculation}
     */
    public DoseJobService(DoseJobsConfig config, IndexDatabase database, ArchiveInputs archive, InstanceStore target,
                          String node, DoseCalculation calculation) {
        this(config, database, archive, target, node, calculation, 1000);
    }

    /** As above; {@code progressMillis}: the least time between progress writes to a job's row. */
    DoseJobService(DoseJobsConfig config, IndexDatabase database, ArchiveInputs archive, InstanceStore target,
                   String node, DoseCalculation calculation, long progressMillis) {
        this.config = config;
        this.store = new JobStore(database, node);
        this.archive = archive;
        this.stability = new CtStability(config.stable());
        this.runner = new JobRunner(store, archive, calculation, target, ORIGIN, config, stability, progressMillis);
    }

    /**
     * Makes this node's jobs the cluster's (call before {@link #start}): rows of every job on every node, and the
     * takeover of a dead owner's open jobs after {@code dose.takeoverSeconds}.
     */
    public DoseJobService inCluster(Peers peers, JobPeers transport) {
        this.peers = peers;
        this.transport = transport;
        this.cluster = new JobCluster(store, peers, transport, config.takeover(), new JobCluster.Listener() {
            @Override
            public void merged(JobRecord before, JobRecord now) {
                if (before != null && before.openOn(store.owner()) && !now.openOn(store.owner())) {
                    runner.release(now.id());
                }
                if (now.openOn(store.owner())) {
                    runner.wake();
                }
            }

            @Override
            public void adopted(List<String> ids) {
                runner.wake();
            }
        });
        return this;
    }

    /**
     * In a cluster, first takes the peers' newer rows (jobs of this node another one took over while it was down
     * are not run again here; when no peer answers they are, which stores the same objects again: harmless). Then
     * queues again the jobs this node was running when it stopped, and starts running jobs.
     */
    public DoseJobService start() throws SQLException {
        if (cluster != null) {
            cluster.catchUp();
            cluster.start();
        }
        int n = store.requeueRunning();
        if (n > 0) {
            LOG.info("{} dose job(s) interrupted by the last stop queued again", n);
        }
        runner.start();
        return this;
    }

    public DoseJobsConfig config() {
        return config;
    }

    /**
     * Queues a requested job.
     *
     * @throws BadRequestException 422 when the study, or the named plan, is not in the archive
     */
    public JobRecord submit(JobRequest request) throws BadRequestException, SQLException, QueryException {
        if (!archive.hasStudy(request.study())) {
            throw new BadRequestException(422, "study " + request.study() + " is not in the archive");
        }
        if (request.plan() != null && archive.instance(request.study(), request.plan()) == null) {
            throw new BadRequestException(422, "RT Plan " + request.plan() + " is not in study " + request.study());
        }
        JobRecord job = store.create(effective(request), JobOrigin.HTTP, seed(request), null, "queued");
        LOG.info("Dose job {} queued for study {}", job.id(), request.study());
        runner.wake();
        return job;
    }

    /**
     * The on-arrival rule: an RT Plan was stored. One job per plan SOP Instance UID (a plan stored again finds its
     * job); it waits for its CT series, at most the configured time.
     */
    public JobRecord planArrived(String study, String planUid) throws SQLException {
        JobStore.Created c = store.createForPlan(effective(JobRequest.forPlan(study, planUid)), config.seed(),
                Instant.now().plus(config.waitForCt()), JobRunner.WAITING);
        if (c.created()) {
            LOG.info("Dose job {} queued for RT Plan {} on arrival", c.job().id(), planUid);
            runner.wake();
        }
        return c.job();
    }

    /** A CT instance of {@code series} arrived: waiting jobs look again (and the series is not stable yet). */
    public void ctArrived(String series) {
        stability.arrived(series, Instant.now());
        runner.wake();
    }

    public Optional<JobRecord> get(String id) throws SQLException {
        return store.get(id);
    }

    /** Newest first, of one state or all (null). */
    public List<JobRecord> list(JobState state) throws SQLException {
        return store.list(state, LIST_LIMIT);
    }

    /** What a cancel did. */
    public enum CancelOutcome {
        CANCELLED, NOT_FOUND, ALREADY_FINISHED
    }

    /**
     * Cancels a QUEUED or RUNNING job (a running one stops between rounds of its simulation). A job another live
     * node owns is cancelled by its owner, asked over the peer connector; when the owner cannot be asked, the job is
     * marked cancelled here and the peers are told (a final state wins over an open one, so the owner stops too).
     */
    public CancelOutcome cancel(String id) throws SQLException {
        Optional<JobRecord> j = store.get(id);
        if (j.isEmpty()) {
            return CancelOutcome.NOT_FOUND;
        }
        String owner = j.get().owner();
        if (cluster != null && !j.get().state().isFinal() && !owner.equals(store.owner())
                && peers.liveNodes().contains(owner)) {
            try {
                JobPeers.CancelReply reply = transport.cancel(owner, id);
                if (reply.row() != null) {
                    cluster.merge(reply.row());
                }
                if (reply.outcome() != CancelOutcome.NOT_FOUND) {
                    LOG.info("Dose job {} cancel passed to its owner {}: {}", id, owner, reply.outcome());
                    return reply.outcome();
                }
            } catch (java.io.IOException e) {
                LOG.warn("Dose job {}: its owner {} could not be asked to cancel it ({}); cancelled here, the peers "
                        + "are told", id, owner, e.getMessage());
            }
        }
        return cancelHere(id);
    }

    /** Cancels a job in this node's table (the owner's side of a cancel a peer passed on). */
    public CancelOutcome cancelHere(String id) throws SQLException {
        if (store.get(id).isEmpty()) {
            return CancelOutcome.NOT_FOUND;
        }
        if (!store.cancel(id)) {
            return CancelOutcome.ALREADY_FINISHED;
        }
        runner.cancelRunning(id);
        LOG.info("Dose job {} cancelled", id);
        return CancelOutcome.CANCELLED;
    }

    /** The request with its effective target, so that a rerun under other settings calculates the same. */
    private JobRequest effective(JobRequest r) {
        Double unc = r.uncertainty() != null ? r.uncertainty() : r.histories() == null ? config.uncertainty() : null;
        return new JobRequest(r.study(), r.plan(), r.beams(), unc, r.histories(), seed(r));
    }

    private long seed(JobRequest r) {
        return r.seed() != null ? r.seed() : config.seed();
    }

    /** Whether an instance is one the service stored itself (its generated plans and RT Doses start nothing). */
    static boolean isOwn(String callingAETitle) {
        return ORIGIN.equals(callingAETitle);
    }

    /** Whether a SOP class is the RT Plan's. */
    static boolean isRtPlan(String sopClassUid) {
        return UID.RTPlanStorage.equals(sopClassUid);
    }

    /** What a peer that catches up gets: every open job and the newest others. */
    public List<JobRecord> rowsForPeers() throws SQLException {
        return store.forPeers(JobCluster.CATCH_UP_LIMIT);
    }

    /**
     * A peer's row of a job, merged by {@link JobMerge}; a job this node was running that a peer now says is
     * another's (or ended) stops here. @return whether the row was taken
     */
    public boolean mergeFromPeer(JobRecord row) throws SQLException {
        if (cluster == null) {
            throw new IllegalStateException("this node is not in a cluster");
        }
        return cluster.merge(row);
    }

    /** Stops running jobs; a running one stays RUNNING in the index and reruns at the next start. */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        runner.close();
    }
}
