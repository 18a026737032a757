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
        double branch = (1 + twoK) / (9 + twoK);
        while (true) {
            double r1 = rng.uniform();
            double r2 = rng.uniform();
            double r3 = rng.uniform();
            if (r1 <= branch) {
                double eta = 1 + twoK * r2;
                if (r3 <= 4 * (1 / eta - 1 / (eta * eta))) {
                    return eta;
                }
            } else {
                double eta = (1 + twoK) / (1 + twoK * r2);
                double mu = 1 - (eta - 1) / k;
                if (r3 <= 0.5 * (mu * mu + 1 / eta)) {
                    return eta;
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
