package org.gridpacs.dose.source;

import org.gridpacs.dose.physics.Rng;

/**
 * Emits one primary particle per call. Serializable: a dose job carries its source to whichever worker (thread or
 * machine) runs a batch, and the batch must emit the same particles there.
 */
public interface Source extends java.io.Serializable {
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
