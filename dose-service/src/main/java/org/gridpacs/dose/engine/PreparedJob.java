package org.gridpacs.dose.engine;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.physics.PhysicsTables;
import org.gridpacs.dose.transport.Majorants;
import org.gridpacs.dose.transport.Transport;
import org.gridpacs.dose.transport.Voxels;

/**
 * What a machine builds once per job before running any of its batches, and its workers share read-only: the physics
 * tables for the job's cuts, the voxel pair table and the Woodcock majorants. All are functions of the job alone, so
 * every machine builds the same ones.
 */
public final class PreparedJob {
    private final DoseJob job;
    private final PhysicsTables tables;
    private final Voxels voxels;
    private final Majorants majorants;

    public PreparedJob(DoseJob job) {
        this.job = job;
        DoseSettings s = job.settings();
        Phantom phantom = job.phantom();
        tables = Media.tables(s.photonCut(), s.wcc());
        voxels = new Voxels(phantom, tables.count);
        majorants = s.tracking() == DoseSettings.Tracking.GLOBAL
                ? Majorants.global(tables, phantom, voxels)
                : Majorants.build(tables, phantom, voxels, s.crossingCost());
    }

    public DoseJob job() {
        return job;
    }

    /** A runner for one worker thread (it owns a transport and a phantom-sized energy array). */
    public BatchRunner newRunner() {
        DoseSettings s = job.settings();
        Transport t = new Transport(tables, job.phantom(), voxels, majorants, s.photonCut(), s.electronCut(),
                s.stepFraction(), job.source().maxEnergy());
        return new BatchRunner(job, t);
    }
}
