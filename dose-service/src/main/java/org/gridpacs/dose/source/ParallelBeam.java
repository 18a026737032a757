package org.gridpacs.dose.source;

import org.gridpacs.dose.physics.Rng;

/** A monoenergetic parallel beam along +y, uniform over a square of side {@code size} centred on x = z = 0. */
public final class ParallelBeam implements Source {
    private static final long serialVersionUID = 1L;
    private final int type;
    private final double energy;
    private final double size;
    private final double y;

    public ParallelBeam(int type, double energy, double size, double y) {
        this.type = type;
        this.energy = energy;
        this.size = size;
        this.y = y;
    }

    @Override
    public void emit(Rng rng, double[] p) {
        p[0] = type;
        p[1] = energy;
        p[2] = (rng.uniform() - 0.5) * size;
        p[3] = y;
        p[4] = (rng.uniform() - 0.5) * size;
        p[5] = 0;
        p[6] = 1;
        p[7] = 0;
    }

    @Override
    public double maxEnergy() {
        return energy;
    }
}
