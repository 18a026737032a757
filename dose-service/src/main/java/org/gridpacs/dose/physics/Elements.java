package org.gridpacs.dose.physics;

/** Atomic weights and radiation lengths of the elements that occur in the tissue compositions. */
public final class Elements {
    private Elements() {
    }

    /** Standard atomic weights (IUPAC), index Z, for Z = 1..30; 0 where not needed. */
    private static final double[] A = {0, 1.008, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.998, 20.180,
            22.990, 24.305, 26.982, 28.085, 30.974, 32.06, 35.45, 39.948, 39.098, 40.078,
            44.956, 47.867, 50.942, 51.996, 54.938, 55.845, 58.933, 58.693, 63.546, 65.38};

    public static double atomicWeight(int z) {
        return A[z];
    }

    /**
     * Radiation length in g/cm2 from Tsai's formula (Rev Mod Phys 46 (1974) 815, as in the Particle Data Group review):
     * 1/X0 = 4 alpha r_e^2 N_A/A {Z^2 [L_rad - f(Z)] + Z L'_rad}.
     */
    public static double radiationLength(int z) {
        double lrad;
        double lradp;
        switch (z) {
            case 1 -> { lrad = 5.31; lradp = 6.144; }
            case 2 -> { lrad = 4.79; lradp = 5.621; }
            case 3 -> { lrad = 4.74; lradp = 5.805; }
            case 4 -> { lrad = 4.71; lradp = 5.924; }
            default -> {
                lrad = Math.log(184.15 * Math.pow(z, -1.0 / 3));
                lradp = Math.log(1194.0 * Math.pow(z, -2.0 / 3));
            }
        }
        double a = z / 137.035999;
        double a2 = a * a;
        double f = a2 * (1 / (1 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2 * a2 - 0.002 * a2 * a2 * a2);
        return 716.408 * A[z] / (z * z * (lrad - f) + z * lradp);
    }

    /** Radiation length of a mixture, mass fractions w[i] of elements z[i]: 1/X0 = sum w_i / X0_i. */
    public static double radiationLength(int[] z, double[] w) {
        double inv = 0;
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            inv += w[i] / radiationLength(z[i]);
            sum += w[i];
        }
        return sum / inv;
    }
}
