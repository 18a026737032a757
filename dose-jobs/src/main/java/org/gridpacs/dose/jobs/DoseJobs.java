package org.gridpacs.dose.jobs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

import org.eclipse.jetty.server.Handler;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.dose.engine.BatchExecutors;
import org.gridpacs.dose.engine.DoseEngine;
import org.gridpacs.dose.phantom.HuCalibration;

/**
 * The dose service as the composition root wires it: the job service, its on-arrival listener and its HTTP
 * handler, and the executors it owns. Open the index with {@link JobStore#SCHEMA}; route {@link #handler()} at
 * {@link DoseJobsHandler#ROUTE} on the user connector; close before the index.
 */
public final class DoseJobs implements Closeable {
    private final DoseJobService service;
    private final PlanArrivalListener listener;
    private final StoreListeners listeners;
    private final java.util.List<BatchExecutors> executors;
    private final DoseJobsHandler handler;
    private final DoseJobsPeerHandler peerHandler;

    private DoseJobs(DoseJobService service, StoreListeners listeners, java.util.List<BatchExecutors> executors,
                     org.gridpacs.http.PeerCaller callers) {
        this.service = service;
        this.listeners = listeners;
        this.listener = new PlanArrivalListener(service);
        this.executors = executors;
        this.handler = new DoseJobsHandler(service);
        this.peerHandler = new DoseJobsPeerHandler(service, callers);
        listeners.add(listener);
    }

    /** What the service needs of the archive node. */
    public record Archive(IndexDatabase database, QueryService query, RetrieveService retrieve, InstanceStore store,
                          StoreListeners listeners, String node) {
    }

    /**
     * The cluster the node is a member of, as the dose service needs it: the membership and the peer calls. Route
     * {@link #peerHandler()} at {@link DoseJobsPeerHandler#ROUTE} on the peer connector; {@code callers} says
     * which member calls it (its node certificate).
     */
    public record Cluster(Peers peers, JobPeers transport, org.gridpacs.http.PeerCaller callers) {
        /** Without identity checks (cluster TLS off). */
        public Cluster(Peers peers, JobPeers transport) {
            this(peers, transport, org.gridpacs.http.PeerCaller.ANYONE);
        }
    }

    /**
     * The product: the Monte Carlo calculation on {@code grid} (the compute grid; null for none), falling back to
     * a local pool of {@code dose.threads} threads when the grid has no worker; both are closed with the service.
     *
     * @param huDir folder of the HU calibration tables (conf/dose), null for the built-in copies
     */
    public static DoseJobs start(DoseJobsConfig config, Path huDir, Archive archive, BatchExecutors grid)
            throws IOException, SQLException {
        return start(config, huDir, archive, grid, null);
    }

    /** As above, as a member of {@code cluster} (null: alone). */
    public static DoseJobs start(DoseJobsConfig config, Path huDir, Archive archive, BatchExecutors grid,
                                 Cluster cluster) throws IOException, SQLException {
        BatchExecutors local = BatchExecutors.local(config.effectiveThreads());
        java.util.List<BatchExecutors> owned = grid != null ? java.util.List.of(grid, local) : java.util.List.of(local);
        try {
            HuCalibration hu = HuCalibration.load(huDir, config.huCalibration());
            return start(config, archive, new MonteCarloCalculation(config, hu, grid != null ? grid : local,
                    grid != null ? local : null, new DoseEngine(config.calibrationHistories())), owned, 1000, cluster);
        } catch (IOException | SQLException | RuntimeException e) {
            owned.forEach(BatchExecutors::close);
            throw e;
        }
    }

    /** With a calculation of the caller's (tests of the job machinery). */
    public static DoseJobs start(DoseJobsConfig config, Archive archive, DoseCalculation calculation)
            throws SQLException {
        return start(config, archive, calculation, null);
    }

    /** With a calculation of the caller's, as a member of {@code cluster} (null: alone). */
    public static DoseJobs start(DoseJobsConfig config, Archive archive, DoseCalculation calculation, Cluster cluster)
            throws SQLException {
        return start(config, archive, calculation, java.util.List.of(), 1000, cluster);
    }

    static DoseJobs start(DoseJobsConfig config, Archive a, DoseCalculation calculation,
                          java.util.List<BatchExecutors> owned, long progressMillis, Cluster cluster)
            throws SQLException {
        DoseJobService service = new DoseJobService(config, a.database(), new ArchiveInputs(a.query(), a.retrieve()),
                a.store(), a.node(), calculation, progressMillis);
        if (cluster != null) {
            service.inCluster(cluster.peers(), cluster.transport());
        }
        service.start();
        return new DoseJobs(service, a.listeners(), owned,
                cluster != null ? cluster.callers() : org.gridpacs.http.PeerCaller.ANYONE);
    }

    public DoseJobService service() {
        return service;
    }

    /** The HTTP API, to route at {@link DoseJobsHandler#ROUTE} on the user connector. */
    public Handler handler() {
        return handler;
    }

    /** The job rows between nodes, to route at {@link DoseJobsPeerHandler#ROUTE} on the peer connector. */
    public Handler peerHandler() {
        return peerHandler;
    }

    /** Stops hearing of stores, stops the runner (a running job reruns at the next start), closes the executors. */
    @Override
    public void close() {
        listeners.remove(listener);
        service.close();
        executors.forEach(BatchExecutors::close);
    }
}
