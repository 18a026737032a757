package org.gridpacs.dose.engine;

import java.io.Serializable;
import java.util.List;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.dose.source.Source;

/**
 * Everything a worker needs to run any batch of a calculation, and nothing about who runs it: the phantom, the source
 * (beams already weighted by their calibrated photon counts), the settings (seed, cuts, tracking) and, for an
 * absolute-dose job, the calibration it was weighted with and the source photons the histories stand for.
 * Serializable, so that it can be shipped once to each machine of a grid.
 *
 * @param calibration  the calibration the beams were weighted with; null for a raw run (tests, benchmarks)
 * @param photonsTotal source photons the histories represent (for Gy per MU); NaN for a raw run
 */
public record DoseJob(Phantom phantom, Source source, DoseSettings settings, Calibration calibration,
                      double photonsTotal) implements Serializable {

    public DoseJob {
        if (phantom == null || source == null || settings == null) {
            throw new IllegalArgumentException("a dose job needs a phantom, a source and settings");
        }
    }

    /** A raw job: energy per history only, no calibration. */
    public static DoseJob raw(Phantom phantom, Source source, DoseSettings settings) {
        return new DoseJob(phantom, source, settings, null, Double.NaN);
    }

    /**
     * An absolute-dose job: each beam's source photons are its MU x the calibrated photons per MU per sr of its kind x
     * the solid angle of its opening, and a history picks a beam in proportion to them.
     *
     * @throws IllegalArgumentException if the calibration was made with other physics settings or lacks a beam kind
     */
    public static DoseJob forBeams(Phantom phantom, List<Beam> beams, DoseSettings settings, Calibration calibration) {
        if (beams.isEmpty()) {
            throw new IllegalArgumentException("no beams");
        }
        if (!calibration.matches(settings)) {
            throw new IllegalArgumentException("calibration made with other cuts or step than the job's settings");
        }
        Beam[] b = beams.toArray(new Beam[0]);
        double[] photons = new double[b.length];
        double total = 0;
        for (int i = 0; i < b.length; i++) {
            photons[i] = b[i].mu() * calibration.reference(b[i].kind()).photonsPerMuPerSr() * Calibration.solidAngle(b[i]);
            total += photons[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("no MU");
        }
        return new DoseJob(phantom, new BeamSource(b, photons), settings, calibration, total);
    }
}
