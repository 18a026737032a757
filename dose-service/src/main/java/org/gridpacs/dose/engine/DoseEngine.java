package org.gridpacs.dose.engine;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.source.Beam;

/**
 * The Java API: phantom + beams + settings in, dose (Gy for the beams' MU) and uncertainty per voxel out.
 *
 * <pre>
 *   DoseEngine engine = new DoseEngine();
 *   Calibration cal = engine.calibrate(beams, settings);              // once; reuse it for jobs with the same physics
 *   DoseResult r = engine.calculate(phantom, beams, settings, cal, listener);
 *   // or any executor (the local pool here, a compute grid elsewhere):
 *   DoseResult r2 = engine.calculate(DoseJob.forBeams(phantom, beams, settings, cal), executor, listener, cancel);
 * </pre>
 */
public final class DoseEngine {
    private final long calibrationHistories;

    public DoseEngine() {
        this(Calibration.DEFAULT_HISTORIES);
    }

    /** @param calibrationHistories histories of each reference (calibration) simulation */
    public DoseEngine(long calibrationHistories) {
        this.calibrationHistories = calibrationHistories;
    }

    /** Simulates the references of the beams' kinds with the physics of {@code settings}. */
    public Calibration calibrate(List<Beam> beams, DoseSettings settings) {
        Set<Beam.Kind> kinds = EnumSet.noneOf(Beam.Kind.class);
        for (Beam b : beams) {
            kinds.add(b.kind());
        }
        return Calibration.compute(kinds, settings, calibrationHistories);
    }

    /** With a calibration made earlier, on a pool of {@code settings.threads()} threads of this JVM. */
    public DoseResult calculate(Phantom phantom, List<Beam> beams, DoseSettings settings, Calibration calibration,
                                ProgressListener listener) {
        DoseJob job = DoseJob.forBeams(phantom, beams, settings, calibration);
        try (LocalPoolExecutor pool = new LocalPoolExecutor(settings.threads())) {
            return calculate(job, pool, listener, new Cancellation());
        }
    }

    /**
     * Runs an absolute-dose job ({@link DoseJob#forBeams}) on any executor.
     *
     * @throws CancellationException if {@code cancel} was set before the job finished
     */
    public DoseResult calculate(DoseJob job, BatchExecutor executor, ProgressListener listener, Cancellation cancel) {
        if (!(job.photonsTotal() > 0)) {
            throw new IllegalArgumentException("not an absolute-dose job (no calibrated photon count)");
        }
        return toResult(MonteCarlo.run(job, executor, listener, cancel), job.photonsTotal());
    }

    /** Scales a raw run to Gy: photonsTotal source photons were represented by the histories. */
    static DoseResult toResult(MonteCarlo.Raw raw, double photonsTotal) {
        int n = raw.phantom.voxels();
        float[] dose = new float[n];
        float[] unc = new float[n];
        for (int i = 0; i < n; i++) {
            dose[i] = (float) (raw.dosePerHistory(i) * photonsTotal);
            unc[i] = (float) raw.relativeUncertainty(i);
        }
        return new DoseResult(raw.phantom, dose, unc, raw.histories, raw.batches, raw.seconds, raw.uncertainty,
                raw.entering, raw.deposited, raw.escaped, photonsTotal);
    }
}
