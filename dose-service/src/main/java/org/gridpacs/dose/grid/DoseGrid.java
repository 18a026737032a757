package org.gridpacs.dose.grid;

import java.util.Map;

import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterNode;
import org.gridpacs.dose.engine.BatchExecutor;
import org.gridpacs.dose.engine.BatchExecutors;

/**
 * The archive node's way into the dose compute grid: a long-lived Ignite client node (it joins once, seconds; every
 * job after that pays milliseconds per round), and a {@link BatchExecutor} per job. Joins lazily, at the first
 * {@link #executor()}, so an archive node starts whether or not the workers are up; if the join fails, the next call
 * tries again.
 */
public final class DoseGrid implements BatchExecutors {
    private final GridConfig config;
    private final String name;
    private Ignite ignite;

    /**
     * @param config the grid addresses and TLS
     * @param name   this client node's name, unique in its JVM (e.g. "dose-client-node1")
     */
    public DoseGrid(GridConfig config, String name) {
        this.config = config;
        this.name = name;
    }

    /**
     * An executor for one job (close it when the job ends: the workers then drop the job).
     *
     * @throws NoDoseWorkerException when no worker answers at the grid's addresses, or none has joined
     */
    public synchronized BatchExecutor executor() {
        return new GridBatchExecutor(node());
    }

    @Override
    public BatchExecutor open() {
        return executor();
    }

    @Override
    public String describe() {
        return "the dose compute grid (" + String.join(", ", config.addresses()) + ")";
    }

    /** The dose workers in the grid now and their threads. */
    public synchronized Map<String, Integer> workers() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (ClusterNode n : node().cluster().forServers().forAttribute(GridNodes.WORKER_THREADS, null).nodes()) {
            out.put(String.valueOf(n.consistentId()), n.attribute(GridNodes.WORKER_THREADS));
        }
        return out;
    }

    /** Joins the grid now (otherwise the first executor does). */
    public synchronized void join() {
        node();
    }

    private Ignite node() {
        if (ignite == null) {
            try {
                ignite = GridNodes.start(config, name, true, Map.of());
            } catch (IgniteException e) {
                throw new NoDoseWorkerException("none answered or let this node join at " + String.join(", ", config.addresses())
                        + " within " + config.joinTimeoutMillis() / 1000.0 + " s: " + rootMessage(e), e);
            }
        }
        return ignite;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public synchronized void close() {
        if (ignite != null) {
            ignite.close();
            ignite = null;
        }
    }
}
