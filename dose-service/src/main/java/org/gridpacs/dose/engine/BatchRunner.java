package org.gridpacs.dose.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.gridpacs.dose.physics.Rng;
import org.gridpacs.dose.source.Source;
import org.gridpacs.dose.transport.Transport;

/**
 * Runs batches on one thread: the transport's history loop into a phantom-sized energy array, then one pass that
 * scores the batch into a tally. Not thread-safe (one per worker thread); the tally may be shared, it is locked while
 * the batch is added.
 */
public final class BatchRunner {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final DoseJob job;
    private final Transport transport;
    private final double[] edep;

    BatchRunner(DoseJob job, Transport transport) {
        this.job = job;
        this.transport = transport;
        this.edep = new double[job.phantom().voxels()];
    }

    /**
     * Runs the batch's histories with the random stream of (job seed, batch index) and adds the batch to {@code into}.
     *
     * @return CPU time of this thread spent on the batch, ns (0 where the JVM does not measure it)
     */
    public long run(Batch batch, Tally into) {
        boolean cpu = CPU.isCurrentThreadCpuTimeSupported();
        long cpu0 = cpu ? CPU.getCurrentThreadCpuTime() : 0;
        Transport tr = transport;
        Source source = job.source();
        tr.startBatch(new Rng(job.settings().seed(), batch.index()), edep);
        double entering = 0;
        long n = batch.histories();
        for (long h = 0; h < n; h++) {
            entering += tr.history(source);
        }
        tr.endBatch();
        synchronized (into) {
            into.addBatch(n, edep, entering, tr.escaped);
        }
        return cpu ? CPU.getCurrentThreadCpuTime() - cpu0 : 0;
    }
}
