package org.gridpacs.dose.physics;

/**
 * Klein-Nishina sampling by Kahn's rejection method (H. Kahn, "Applications of Monte Carlo", AECU-3259 (1954),
 * as given in the MCNP manual and Lux &amp; Koblinger). Free electron at rest: no binding or Doppler broadening.
 */
public final class Compton {
    private Compton() {
    }

    /**
     * Samples eta = E/E' (>= 1) for a photon of energy k = E/mc^2; cos(theta) = 1 - (eta - 1)/k.
     */
    public static double sampleEta(double k, Rng rng) {
        double twoK = 2 * k;
        double onePlus = 1 + twoK;
        double branch = onePlus / (9 + twoK);
        double invOnePlus = 1 / onePlus;
        while (true) {
            double r1 = rng.uniform();
            double r2 = rng.uniform();
            double r3 = rng.uniform();
            if (r1 <= branch) {
                // eta uniform on [1, 1 + 2k], accepted with 4 (1/eta - 1/eta^2)
                double eta = 1 + twoK * r2;
                double ie = 1 / eta;
                if (r3 <= 4 * ie * (1 - ie)) {
                    return eta;
                }
            } else {
                // eta = (1 + 2k)/d, d = 1 + 2k r2: mu = 1 - (eta - 1)/k = 1 - 2 (1 - r2)/d and 1/eta = d/(1 + 2k),
                // accepted with (mu^2 + 1/eta)/2
                double d = 1 + twoK * r2;
                double id = 1 / d;
                double mu = 1 - 2 * (1 - r2) * id;
                if (r3 <= 0.5 * (mu * mu + d * invOnePlus)) {
                    return onePlus * id;
                }
            }
        }
    }

    /** Klein-Nishina d sigma / d cos(theta), in units of pi r_e^2 (for tests). */
    public static double dSigmaDCos(double k, double cos) {
        double ratio = 1 / (1 + k * (1 - cos)); // E'/E
        return ratio * ratio * (ratio + 1 / ratio - (1 - cos * cos));
    }
}
