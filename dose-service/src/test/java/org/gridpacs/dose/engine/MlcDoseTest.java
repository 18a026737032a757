package org.gridpacs.dose.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.dose.source.Mlc;
import org.gridpacs.dose.source.PatientPosition;
import org.junit.jupiter.api.Test;

/** An MLC opening is dose-equivalent to jaws with the same opening; closed leaves carry no dose. */
class MlcDoseTest {
    private static final Phantom WATER = SyntheticPhantoms.waterBox(16, 8, 16, 1, 1, 1);
    private static final DoseSettings SETTINGS = DoseSettings.histories(100_000, 7).withThreads(2);

    private static Beam mlcBeam(double[] boundaries, double a, double b) {
        int n = boundaries.length - 1;
        double[] banksA = new double[n];
        double[] banksB = new double[n];
        java.util.Arrays.fill(banksA, a);
        java.util.Arrays.fill(banksB, b);
        return new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -4, 4, -4, 4, 100, 0, PatientPosition.HFS,
                new Mlc(boundaries, banksA, banksB));
    }

    @Test
    void oneLeafPairOpeningIsExactlyTheJawField() {
        Beam jaws = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -4, 0, -4, 4, 100);
        Beam mlc = mlcBeam(new double[] {-10, 10}, -4, 0);
        assertEquals(Calibration.solidAngle(jaws), Calibration.solidAngle(mlc));
        MonteCarlo.Raw a = MonteCarlo.run(WATER, new BeamSource(jaws), SETTINGS, ProgressListener.NONE);
        MonteCarlo.Raw b = MonteCarlo.run(WATER, new BeamSource(mlc), SETTINGS, ProgressListener.NONE);
        assertArrayEquals(a.tally.toBytes(), b.tally.toBytes());
    }

    @Test
    void manyLeafPairsGiveTheSameDoseAsTheJawsAndNoneUnderClosedLeaves() {
        Beam jaws = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -4, 0, -4, 4, 100);
        Beam mlc = mlcBeam(new double[] {-4, -3, -2, -1, 0, 1, 2, 3, 4}, -4, 0);
        assertEquals(Calibration.solidAngle(jaws), Calibration.solidAngle(mlc), 1e-15);
        MonteCarlo.Raw a = MonteCarlo.run(WATER, new BeamSource(jaws), SETTINGS, ProgressListener.NONE);
        MonteCarlo.Raw b = MonteCarlo.run(WATER, new BeamSource(mlc), SETTINGS, ProgressListener.NONE);
        double[] ha = halves(a);
        double[] hb = halves(b);
        // open half (x < 0): the same dose within the noise (about 0.5% here); under the closed leaves only scatter
        assertEquals(1, hb[0] / ha[0], 0.03, "open half");
        assertTrue(hb[1] < 0.15 * hb[0], "closed half " + hb[1] / hb[0]);
        assertEquals(ha[1] / ha[0], hb[1] / hb[0], 0.02, "scatter under the closed leaves");
    }

    /** Dose per history summed over the voxels at x < 0 and at x > 1 cm (depths 1-6 cm). */
    private static double[] halves(MonteCarlo.Raw r) {
        double[] h = new double[2];
        for (int ix = 0; ix < WATER.nx; ix++) {
            for (int iy = 1; iy < 6; iy++) {
                for (int iz = 0; iz < WATER.nz; iz++) {
                    double x = WATER.centreX(ix);
                    double d = r.dosePerHistory(WATER.index(ix, iy, iz));
                    if (x < 0) {
                        h[0] += d;
                    } else if (x > 1) {
                        h[1] += d;
                    }
                }
            }
        }
        return h;
    }
}
