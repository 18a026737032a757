package org.gridpacs.dose.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The inner loop's logarithm against Math.log. */
class FastLogTest {

    @Test
    void agreesWithMathLog() {
        SplittableRandom r = new SplittableRandom(3);
        double worst = 0;
        for (int i = 0; i < 3_000_000; i++) {
            double x = switch (i % 4) {
                case 0 -> Math.exp(-745 + 1454 * r.nextDouble()); // the whole double range
                case 1 -> 1 + (r.nextDouble() - 0.5) * 1e-3; // near 1
                case 2 -> 0.01 * Math.exp(Math.log(2000) * r.nextDouble()); // the table energies, MeV
                default -> ((r.nextLong() >>> 11) + 1) * 0x1.0p-53; // Rng.open()
            };
            double exact = Math.log(x);
            worst = Math.max(worst, Math.abs(FastLog.ln(x) - exact) / Math.max(1, Math.abs(exact)));
        }
        assertTrue(worst < 4e-16, "worst error " + worst);
        // every mantissa sub-interval at its edges
        for (int j = 0; j <= 1024; j++) {
            for (double x : new double[] {1 + j / 1024.0, Math.nextDown(1 + j / 1024.0), Math.nextUp(1 + j / 1024.0)}) {
                assertEquals(Math.log(x), FastLog.ln(x), 4e-16, "x = " + x);
            }
        }
    }

    @Test
    void specialValuesAsMathLog() {
        // not positive normal numbers: Math.log's result exactly
        for (double x : new double[] {0, -0.0, -1, Double.MIN_VALUE, Double.MIN_NORMAL / 3, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.NaN}) {
            assertEquals(Math.log(x), FastLog.ln(x), "x = " + x);
        }
        for (double x : new double[] {Double.MAX_VALUE, Double.MIN_NORMAL, 1, 2, 0.5}) {
            assertEquals(Math.log(x), FastLog.ln(x), 4e-16 * Math.max(1, Math.abs(Math.log(x))), "x = " + x);
        }
        assertEquals(0.0, FastLog.ln(1));
    }
}
