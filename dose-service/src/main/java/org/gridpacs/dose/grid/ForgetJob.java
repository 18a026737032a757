package org.gridpacs.dose.grid;

import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteRunnable;
import org.apache.ignite.resources.IgniteInstanceResource;

/** Tells a worker that a job is over, so that its phantom and runners go now rather than at expiry. */
final class ForgetJob implements IgniteRunnable {
    private static final long serialVersionUID = 1L;
    private final String jobKey;

    @IgniteInstanceResource
    private transient Ignite ignite;

    ForgetJob(String jobKey) {
        this.jobKey = jobKey;
    }

    @Override
    public void run() {
        WorkerJobs.of(ignite).forget(jobKey);
    }
}
