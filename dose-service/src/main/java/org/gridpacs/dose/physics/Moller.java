package org.gridpacs.dose.physics;

/**
 * Moller (electron-electron) scattering for the class II condensed history of collisions: hard collisions that give
 * the secondary ("delta") electron a kinetic energy W above the cut-off Wcc are simulated one by one, the softer
 * ones are in the restricted collision stopping power.
 *
 * <p>Differential cross section per electron of the medium, in eps = W/T (T the primary's kinetic energy, tau =
 * T/mc^2; the secondary is by convention the slower electron, eps &lt;= 1/2):
 * <pre>
 *   d sigma/d eps = 2 pi r_e^2 mc^2 / (beta^2 T) [1/eps^2 + 1/(1-eps)^2 + (tau/(tau+1))^2 - (2 tau+1)/(tau+1)^2 / (eps (1-eps))]
 * </pre>
 * (Moller 1932; as used in ICRU Report 37 and Berger and Seltzer, NBSIR 82-2550). Per gram of medium the prefactor is
 * K/(beta^2 T) with K = 2 pi r_e^2 mc^2 N_A Z/A = 0.153537 Z/A MeV cm2/g.
 *
 * <p>Integrated analytically from eps_c = Wcc/T to 1/2 (T &gt; 2 Wcc):
 * <pre>
 *   sigma_hard = K/(beta^2 T) [1/eps_c - 1/(1-eps_c) + g^2 (1/2 - eps_c) - a ln((1-eps_c)/eps_c)]
 *   S_hard     = K/beta^2 [ln(1/(2 eps_c)) + 2 - ln 2 - 1/(1-eps_c) - ln(1-eps_c) + g^2 (1/8 - eps_c^2/2) - a ln(2 (1-eps_c))]
 * </pre>
 * with g = tau/(tau+1), a = (2 tau+1)/(tau+1)^2. S_hard is the part of the Bethe collision stopping power of ICRU 37
 * (Rohrlich-Carlson F-, itself the Moller cross section integrated over all close collisions) carried by transfers
 * above Wcc, so S_col - S_hard is the restricted collision stopping power L_Wcc of ICRU 37 (Berger-Seltzer:
 * K/beta^2 [ln(2(tau+2)/(I/mc^2)^2) + F-(tau,Delta) - delta], F-(tau,Delta) = -1 - beta^2 + ln((tau-Delta) Delta)
 * + tau/(tau-Delta) + [Delta^2/2 + (2 tau+1) ln(1-Delta/tau)]/(tau+1)^2, Delta = Wcc/mc^2); the density effect only
 * affects distant collisions and cancels in the difference. MollerTest checks S_hard against that difference.
 */
public final class Moller {
    /** 2 pi r_e^2 m c^2 N_A, MeV cm2/mol. */
    public static final double K_PER_MOL = 0.153537;
    private static final double M = PhysicsTables.ELECTRON_MASS;

    private Moller() {
    }

    private static double beta2(double t) {
        double tau = t / M;
        double g = tau + 1;
        return 1 - 1 / (g * g);
    }

    /** Hard-collision (W &gt; wcc) cross section, interactions per g/cm2, for a medium with electron density zOverA. */
    public static double crossSection(double t, double wcc, double zOverA) {
        if (t <= 2 * wcc) {
            return 0;
        }
        double ec = wcc / t;
        double tau = t / M;
        double g = tau / (tau + 1);
        double a = (2 * tau + 1) / ((tau + 1) * (tau + 1));
        double br = 1 / ec - 1 / (1 - ec) + g * g * (0.5 - ec) - a * Math.log((1 - ec) / ec);
        return K_PER_MOL * zOverA / (beta2(t) * t) * br;
    }

    /** Mean energy lost per g/cm2 in hard collisions (W &gt; wcc), MeV cm2/g. */
    public static double hardStoppingPower(double t, double wcc, double zOverA) {
        if (t <= 2 * wcc) {
            return 0;
        }
        double ec = wcc / t;
        double tau = t / M;
        double g = tau / (tau + 1);
        double a = (2 * tau + 1) / ((tau + 1) * (tau + 1));
        double br = Math.log(1 / (2 * ec)) + 2 - Math.log(2) - 1 / (1 - ec) - Math.log(1 - ec)
                + g * g * (0.125 - 0.5 * ec * ec) - a * Math.log(2 * (1 - ec));
        return K_PER_MOL * zOverA / beta2(t) * br;
    }

    /** The bracket of d sigma/d eps times eps^2 (the rejection function), for tests. */
    public static double shape(double eps, double t) {
        double tau = t / M;
        double a = (2 * tau + 1) / ((tau + 1) * (tau + 1));
        double y = 1 - eps;
        return 1 - a * eps / y + eps * eps / (y * y) + (1 - a) * eps * eps;
    }

    /**
     * Energy given to the secondary electron, sampled from the Moller cross section between wcc and t/2 (t &gt; 2
     * wcc): eps from 1/eps^2 by inversion, accepted with the rest of the cross section divided by its largest
     * value on [eps_c, 1/2], which is at eps = 1/2 (the method of EGS4/PENELOPE/Geant4's G4MollerBhabhaModel).
     */
    public static double sampleSecondary(double t, double wcc, Rng rng) {
        double ec = wcc / t;
        double tau = t / M;
        double a = (2 * tau + 1) / ((tau + 1) * (tau + 1));
        double bound = 2 - a + 0.25 * (1 - a); // shape(1/2)
        double c = 1 - 2 * ec;
        while (true) {
            double eps = ec / (1 - rng.uniform() * c);
            double y = 1 - eps;
            double z = 1 - a * eps / y + eps * eps / (y * y) + (1 - a) * eps * eps;
            if (rng.uniform() * bound <= z) {
                return eps * t;
            }
        }
    }

    /**
     * Polar cosine of a particle of kinetic energy w after a two-body collision of a free electron at rest with an
     * electron of kinetic energy t (energy and momentum conservation): cos = sqrt(w (t + 2m) / (t (w + 2m))).
     */
    public static double cosine(double w, double t) {
        double c = Math.sqrt(w * (t + 2 * M) / (t * (w + 2 * M)));
        return c > 1 ? 1 : c;
    }
}
