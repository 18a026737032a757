package org.gridpacs.dose.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gridded tables against independent published spot values (validation_spot_values.csv: NIST SRD 126, ESTAR). */
class PhysicsTablesTest {
    private final PhysicsTables t = Media.tables(0.05, 0.2);

    @Test
    void spotValues() {
        Csv spots = Csv.resource("validation_spot_values.csv");
        int q = spots.column("quantity");
        int mc = spots.column("material");
        int ec = spots.column("energy_MeV");
        int vc = spots.column("value");
        int checked = 0;
        for (String[] row : spots.rows) {
            if (!Media.NAMES.contains(row[mc])) {
                continue;
            }
            int m = t.index(row[mc]);
            Material mat = t.materials.get(m);
            double e = Double.parseDouble(row[ec]);
            double expected = Double.parseDouble(row[vc]);
            double actual;
            double tol;
            switch (row[q]) {
                case "mu_over_rho" -> {
                    // the engine uses the total without coherent scattering: add it back to compare with mu/rho
                    actual = t.lookup(t.muTotal, m, e) + Material.logLog(mat.photonEnergy, mat.coherent, e);
                    tol = 0.005;
                }
                case "S_col" -> {
                    actual = Material.logLog(mat.electronEnergy, mat.collision, e);
                    tol = 0.003;
                }
                case "S_rad" -> {
                    actual = Material.logLog(mat.electronEnergy, mat.radiative, e);
                    tol = 0.01;
                }
                case "csda_range" -> {
                    // integrated here from the stopping powers, not read from the table's range column
                    actual = t.lookup(t.csdaRange, m, e);
                    tol = e < 0.05 ? 0.01 : 0.005;
                }
                default -> {
                    continue;
                }
            }
            assertEquals(expected, actual, tol * expected, row[q] + " " + row[mc] + " " + e);
            checked++;
        }
        assertTrue(checked >= 15, "checked " + checked);
    }

    @Test
    void radiationLengthOfWater() {
        // PDG: water 36.08 g/cm2
        assertEquals(36.08, Media.material("water_liquid").radiationLength, 0.2);
    }

    @Test
    void inverseRange() {
        int w = t.index("water_liquid");
        for (double e : new double[] {0.02, 0.2, 1, 5, 15}) {
            double r = t.lookup(t.range, w, e);
            assertEquals(e, t.energyAtRange(w, r), 1e-3 * e);
        }
    }

    @Test
    void pairProductionOnlyAboveThreshold() {
        int w = t.index("water_liquid");
        assertEquals(0, t.lookup(t.muPair, w, 1.0), 0);
        assertTrue(t.lookup(t.muPair, w, 10) > 0.1 * t.lookup(t.muTotal, w, 10));
    }
}
