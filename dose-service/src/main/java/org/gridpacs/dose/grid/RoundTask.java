package org.gridpacs.dose.grid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeJob;
import org.apache.ignite.compute.ComputeJobResult;
import org.apache.ignite.compute.ComputeJobResultPolicy;
import org.apache.ignite.compute.ComputeTaskAdapter;
import org.gridpacs.dose.engine.Batch;
import org.gridpacs.dose.engine.Tally;

/**
 * One round on the grid, run by the caller's node (the task object never leaves it): splits the batches over the
 * worker nodes in proportion to their threads, one share per node, and merges each share's tally into the caller's
 * tally as it arrives. A share lost with its node (kill -9, network) fails over to another worker, carrying the job;
 * a share whose worker did not have the job is listed for a rerun with the job attached. Any other failure fails the
 * round.
 */
final class RoundTask extends ComputeTaskAdapter<Object, Void> {
    private static final long serialVersionUID = 1L;
    private final transient String jobKey;
    private final transient byte[] jobBytes;
    /** Workers known to hold the job: their shares leave it out. */
    private final transient Set<UUID> haveJob;
    private final transient boolean attachAlways;
    private final transient List<Batch> batches;
    private final transient Tally into;
    private final transient LongAdder cpuNanos;
    private final transient LongAdder bytesIn;
    private final transient LongAdder failovers;
    private final transient LongAdder reduceNanos;
    private final transient List<Batch> rerun = new ArrayList<>();

    RoundTask(String jobKey, byte[] jobBytes, Set<UUID> haveJob, boolean attachAlways, List<Batch> batches, Tally into,
              LongAdder cpuNanos, LongAdder bytesIn, LongAdder failovers,
              LongAdder reduceNanos) {
        this.jobKey = jobKey;
        this.jobBytes = jobBytes;
        this.haveJob = haveJob;
        this.attachAlways = attachAlways;
        this.batches = batches;
        this.into = into;
        this.cpuNanos = cpuNanos;
        this.bytesIn = bytesIn;
        this.failovers = failovers;
        this.reduceNanos = reduceNanos;
    }

    @Override
    public Map<? extends ComputeJob, ClusterNode> map(List<ClusterNode> subgrid, Object arg) {
        List<ClusterNode> nodes = new ArrayList<>(subgrid);
        nodes.sort(Comparator.comparingLong(ClusterNode::order));
        long total = 0;
        for (ClusterNode n : nodes) {
            total += threads(n);
        }
        Map<ComputeJob, ClusterNode> shares = new HashMap<>();
        long before = 0;
        int n = batches.size();
        for (ClusterNode node : nodes) {
            int from = (int) (n * before / total);
            before += threads(node);
            int to = (int) (n * before / total);
            if (to > from) {
                boolean attach = attachAlways || !haveJob.contains(node.id());
                shares.put(new ShareJob(jobKey, batches.subList(from, to), attach ? jobBytes : null), node);
            }
        }
        return shares;
    }

    @Override
    public ComputeJobResultPolicy result(ComputeJobResult res, List<ComputeJobResult> rcvd) {
        ShareJob share = res.getJob();
        if (res.getException() != null) {
            ComputeJobResultPolicy policy;
            try {
                policy = super.result(res, rcvd); // FAILOVER when the node left or refused the share
            } catch (IgniteException e) {
                throw new IgniteException("dose batches failed on worker " + res.getNode().consistentId() + ": "
                        + res.getException().getMessage(), res.getException());
            }
            share.attach(jobBytes);
            failovers.increment();
            return policy;
        }
        ShareResult r = res.getData();
        if (r.jobMissing) {
            synchronized (rerun) {
                rerun.addAll(share.batches());
            }
            return ComputeJobResultPolicy.WAIT;
        }
        long t0 = System.nanoTime();
        synchronized (into) {
            into.mergeCompactBytes(r.tally); // voxel by voxel: no phantom-sized tally per share
        }
        reduceNanos.add(System.nanoTime() - t0);
        haveJob.add(res.getNode().id());
        cpuNanos.add(r.cpuNanos);
        bytesIn.add(r.tally.length);
        return ComputeJobResultPolicy.WAIT;
    }

    @Override
    public Void reduce(List<ComputeJobResult> results) {
        return null;
    }

    /** Batches whose worker lacked the job: run them again with it. */
    List<Batch> rerun() {
        synchronized (rerun) {
            return List.copyOf(rerun);
        }
    }

    private static long threads(ClusterNode n) {
        Object t = n.attribute(GridNodes.WORKER_THREADS);
        return t instanceof Integer i && i > 0 ? i : 1;
    }
}
