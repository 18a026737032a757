package org.gridpacs.dose.engine;

/**
 * Where a service's dose jobs run: one {@link BatchExecutor} per job, opened when the job starts and closed when it
 * ends (a grid's workers then drop the job's phantom), from something long-lived (a thread pool, a grid client)
 * that the service closes when it stops.
 */
public interface BatchExecutors extends AutoCloseable {
    /** An executor for one job; close it when the job ends. */
    BatchExecutor open();

    /** What the executors are (for logs): "the compute grid", "4 threads of this node". */
    String describe();

    @Override
    void close();

    /** A pool of {@code threads} threads of this JVM, shared by the jobs one after the other. */
    static BatchExecutors local(int threads) {
        LocalPoolExecutor pool = new LocalPoolExecutor(threads);
        return new BatchExecutors() {
            @Override
            public BatchExecutor open() {
                return new BatchExecutor() {
                    @Override
                    public void run(DoseJob job, java.util.List<Batch> batches, Tally into, BatchListener listener,
                                    Cancellation cancel) throws InterruptedException {
                        pool.run(job, batches, into, listener, cancel);
                    }

                    @Override
                    public double cpuSeconds() {
                        return pool.cpuSeconds();
                    }

                    @Override
                    public void close() {
                        // the pool outlives the job
                    }
                };
            }

            @Override
            public String describe() {
                return threads + " thread" + (threads == 1 ? "" : "s") + " of this node";
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }
}
