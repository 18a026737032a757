package org.gridpacs.dose.engine;

import org.gridpacs.dose.phantom.Phantom;

/**
 * Dose (Gy for the beams' MU) and relative standard uncertainty (fraction) per voxel, plus run statistics.
 * Energies are totals over the run in MeV.
 */
public record DoseResult(Phantom phantom, float[] dose, float[] uncertainty, long histories, int batches, double seconds,
                         double meanUncertainty, double enteringMeV, double depositedMeV, double escapedMeV,
                         double photonsSimulatedPerGy) {

    public double historiesPerSecond() {
        return histories / seconds;
    }

    /** (entering - deposited - escaped) / entering. */
    public double energyBalanceError() {
        return (enteringMeV - depositedMeV - escapedMeV) / enteringMeV;
    }

    public double maxDose() {
        double m = 0;
        for (float d : dose) {
            m = Math.max(m, d);
        }
        return m;
    }
}
