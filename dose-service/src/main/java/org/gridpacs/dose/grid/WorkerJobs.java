package org.gridpacs.dose.grid;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.gridpacs.dose.engine.BatchRunner;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.PreparedJob;

/**
 * A dose worker's jobs, by job key: each job arrives once (with the first round's share of this node) and is
 * prepared once; later rounds find it here. Its runners (transport + phantom-sized energy array) wait in the entry
 * between rounds. Jobs go when the caller says it is done with them, when unused for {@code idleMillis}, or when more
 * than {@code maxJobs} are kept (least recently used first): a phantom-sized job must not outlive its use.
 * Also holds the worker's thread pool, shared by its jobs.
 */
final class WorkerJobs implements AutoCloseable {
    /** A prepared job and its idle runners. */
    static final class Entry {
        final PreparedJob prepared;
        final Queue<BatchRunner> idle = new ConcurrentLinkedQueue<>();
        volatile long lastUsed;

        Entry(PreparedJob prepared) {
            this.prepared = prepared;
        }
    }

    final ExecutorService pool;
    final int threads;
    private final long idleMillis;
    private final int maxJobs;
    private final LinkedHashMap<String, Entry> jobs = new LinkedHashMap<>(16, 0.75f, true);

    WorkerJobs(int threads, long idleMillis, int maxJobs) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads " + threads);
        }
        this.threads = threads;
        this.idleMillis = idleMillis;
        this.maxJobs = maxJobs;
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dose-grid-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The job with this key, or null if this worker has not got it (never sent, forgotten or expired). */
    synchronized Entry get(String key) {
        expire();
        Entry e = jobs.get(key);
        if (e != null) {
            e.lastUsed = System.currentTimeMillis();
        }
        return e;
    }

    /** The job with this key, prepared from {@code job} if this worker does not have it yet. */
    Entry getOrPrepare(String key, DoseJob job) {
        Entry e = get(key);
        if (e != null) {
            return e;
        }
        Entry fresh = new Entry(new PreparedJob(job)); // outside the lock: seconds for a large phantom
        synchronized (this) {
            e = jobs.putIfAbsent(key, fresh);
            e = e != null ? e : fresh;
            e.lastUsed = System.currentTimeMillis();
            while (jobs.size() > maxJobs) {
                Iterator<String> eldest = jobs.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            return e;
        }
    }

    synchronized void forget(String key) {
        jobs.remove(key);
    }

    synchronized int size() {
        return jobs.size();
    }

    private void expire() {
        long now = System.currentTimeMillis();
        jobs.values().removeIf(e -> now - e.lastUsed > idleMillis);
    }

    @Override
    public synchronized void close() {
        pool.shutdownNow();
        jobs.clear();
    }

    /**
     * The jobs of each worker node of this JVM, by Ignite instance name. Registered before the node starts, so that a
     * share arriving the moment the node has joined finds them (the node-local map exists only after the start).
     */
    private static final Map<String, WorkerJobs> BY_NODE = new java.util.concurrent.ConcurrentHashMap<>();

    static WorkerJobs of(org.apache.ignite.Ignite ignite) {
        WorkerJobs jobs = BY_NODE.get(ignite.name());
        if (jobs == null) {
            throw new IllegalStateException("node " + ignite.name() + " is not a dose worker");
        }
        return jobs;
    }

    static void register(String nodeName, WorkerJobs jobs) {
        if (BY_NODE.putIfAbsent(nodeName, jobs) != null) {
            throw new IllegalStateException("a dose worker called " + nodeName + " runs in this JVM already");
        }
    }

    static void unregister(String nodeName) {
        WorkerJobs jobs = BY_NODE.remove(nodeName);
        if (jobs != null) {
            jobs.close();
        }
    }
}
