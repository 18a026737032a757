package org.gridpacs.dose.source;

import org.gridpacs.dose.physics.Rng;

/** Emits one primary particle per call. */
public interface Source {
    int PHOTON = 0;
    int ELECTRON = 1;
    int POSITRON = 2;

    /**
     * Writes type, energy (MeV), position (cm) and unit direction into {@code p[0..7]}:
     * {type, E, x, y, z, u, v, w}.
     */
    void emit(Rng rng, double[] p);

    /** Highest energy this source emits, MeV. */
    double maxEnergy();
}
