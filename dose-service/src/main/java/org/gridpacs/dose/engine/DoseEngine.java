package org.gridpacs.dose.engine;

import java.util.List;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;

/**
 * The Java API: phantom + beams + settings in, dose (Gy for the beams' MU) and uncertainty per voxel out.
 *
 * <pre>
 *   DoseResult r = new DoseEngine().calculate(phantom, List.of(beam), DoseSettings.histories(10_000_000, 7), listener);
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

    public DoseResult calculate(Phantom phantom, List<Beam> beams, DoseSettings settings, ProgressListener listener) {
        if (beams.isEmpty()) {
            throw new IllegalArgumentException("no beams");
        }
        Beam[] b = beams.toArray(new Beam[0]);
        double[] photons = new double[b.length];
        double total = 0;
        for (int i = 0; i < b.length; i++) {
            Calibration.Reference ref = Calibration.reference(b[i].kind(), settings, calibrationHistories);
            photons[i] = b[i].mu() * ref.photonsPerMuPerSr() * Calibration.solidAngle(b[i]);
            total += photons[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("no MU");
        }
        MonteCarlo.Raw raw = MonteCarlo.run(phantom, new BeamSource(b, photons), settings, listener);
        return toResult(raw, total);
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
