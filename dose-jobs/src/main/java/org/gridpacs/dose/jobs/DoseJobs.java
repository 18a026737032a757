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
import org.gridpacs.dose.engine.BatchExecutor;
import org.gridpacs.dose.engine.DoseEngine;
import org.gridpacs.dose.engine.LocalPoolExecutor;
import org.gridpacs.dose.phantom.HuCalibration;

/**
 * The dose service as the composition root wires it: the job service, its on-arrival listener and its HTTP
 * handler, and the executor it owns. Open the index with {@link JobStore#SCHEMA}; route {@link #handler()} at
 * {@link DoseJobsHandler#ROUTE} on the user connector; close before the index.
 */
public final class DoseJobs implements Closeable {
    private final DoseJobService service;
    private final PlanArrivalListener listener;
    private final StoreListeners listeners;
    private final BatchExecutor executor;
    private final DoseJobsHandler handler;

    private DoseJobs(DoseJobService service, StoreListeners listeners, BatchExecutor executor) {
        this.service = service;
        this.listeners = listeners;
        this.listener = new PlanArrivalListener(service);
        this.executor = executor;
        this.handler = new DoseJobsHandler(service);
        listeners.add(listener);
    }

    /** What the service needs of the archive node. */
    public record Archive(IndexDatabase database, QueryService query, RetrieveService retrieve, InstanceStore store,
                          StoreListeners listeners, String node) {
    }

    /**
     * The product: the Monte Carlo calculation on {@code executor} (null: a {@link LocalPoolExecutor} of
     * {@code dose.threads}); the executor is closed with the service.
     *
     * @param huDir folder of the HU calibration tables (conf/dose), null for the built-in copies
     */
    public static DoseJobs start(DoseJobsConfig config, Path huDir, Archive archive, BatchExecutor executor)
            throws IOException, SQLException {
        BatchExecutor ex = executor != null ? executor : new LocalPoolExecutor(config.effectiveThreads());
        try {
            HuCalibration hu = HuCalibration.load(huDir, config.huCalibration());
            return start(config, archive, new MonteCarloCalculation(config, hu, ex, new DoseEngine()), ex);
        } catch (IOException | SQLException | RuntimeException e) {
            ex.close();
            throw e;
        }
    }

    /** With a calculation of the caller's (tests of the job machinery); {@code executor} may be null. */
    public static DoseJobs start(DoseJobsConfig config, Archive archive, DoseCalculation calculation,
                                 BatchExecutor executor) throws SQLException {
        return start(config, archive, calculation, executor, 1000);
    }

    static DoseJobs start(DoseJobsConfig config, Archive a, DoseCalculation calculation, BatchExecutor executor,
                          long progressMillis) throws SQLException {
        DoseJobService service = new DoseJobService(config, a.database(), new ArchiveInputs(a.query(), a.retrieve()),
                a.store(), a.node(), calculation, progressMillis);
        service.start();
        return new DoseJobs(service, a.listeners(), executor);
    }

    public DoseJobService service() {
        return service;
    }

    /** The HTTP API, to route at {@link DoseJobsHandler#ROUTE} on the user connector. */
    public Handler handler() {
        return handler;
    }

    /** Stops hearing of stores, stops the runner (a running job reruns at the next start), closes the executor. */
    @Override
    public void close() {
        listeners.remove(listener);
        service.close();
        if (executor != null) {
            executor.close();
        }
    }
}
