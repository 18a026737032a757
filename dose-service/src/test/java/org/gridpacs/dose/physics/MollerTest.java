package org.gridpacs.dose.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Moller hard collisions: analytic integrals, the ICRU 37 restricted stopping power, sampling, kinematics, tables. */
class MollerTest {
    private static final double M = PhysicsTables.ELECTRON_MASS;
    private static final double ZA = 0.55509; // water

    /** d sigma / d eps per g/cm2 (the Moller formula itself, written independently of Moller.shape). */
    private static double dsde(double eps, double t) {
        double tau = t / M;
        double g2 = (tau / (tau + 1)) * (tau / (tau + 1));
        double b2 = 1 - 1 / ((tau + 1) * (tau + 1));
        double br = 1 / (eps * eps) + 1 / ((1 - eps) * (1 - eps)) + g2
                - (2 * tau + 1) / ((tau + 1) * (tau + 1)) / (eps * (1 - eps));
        return Moller.K_PER_MOL * ZA / (b2 * t) * br;
    }

    /** Simpson's rule in ln(eps) from wcc/t to 1/2 of eps^p d sigma/d eps. */
    private static double integral(double t, double wcc, int p) {
        double a = Math.log(wcc / t);
        double b = Math.log(0.5);
        int n = 20000;
        double h = (b - a) / n;
        double acc = 0;
        for (int i = 0; i <= n; i++) {
            double eps = Math.exp(a + i * h);
            double f = dsde(eps, t) * eps * Math.pow(eps * t, p); // d eps = eps d ln eps
            acc += f * (i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2));
        }
        return acc * h / 3;
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.45, 1.0, 3.0, 15.0, 20.0})
    void analyticIntegralsMatchQuadrature(double t) {
        for (double wcc : new double[] {0.01, 0.05, 0.2}) {
            if (t <= 2 * wcc) {
                continue;
            }
            double sigma = integral(t, wcc, 0);
            double stop = integral(t, wcc, 1);
            assertEquals(sigma, Moller.crossSection(t, wcc, ZA), 1e-7 * sigma, "sigma T=" + t + " wcc=" + wcc);
            assertEquals(stop, Moller.hardStoppingPower(t, wcc, ZA), 1e-7 * stop, "S_hard T=" + t + " wcc=" + wcc);
        }
    }

    /**
     * The unrestricted minus the restricted collision stopping power of ICRU Report 37 (Berger-Seltzer F-
     * functions; I and the density effect cancel) must equal the Moller energy-loss integral above Wcc.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.0, 2.0, 6.0, 15.0, 20.0})
    void hardStoppingPowerIsIcru37UnrestrictedMinusRestricted(double t) {
        double tau = t / M;
        double b2 = 1 - 1 / ((tau + 1) * (tau + 1));
        double k = Moller.K_PER_MOL * ZA / b2;
        double fFull = 1 - b2 + (tau * tau / 8 - (2 * tau + 1) * Math.log(2)) / ((tau + 1) * (tau + 1));
        for (double wcc : new double[] {0.01, 0.1, 0.2}) {
            if (t <= 2 * wcc) {
                continue;
            }
            double d = wcc / M;
            double fRestricted = -1 - b2 + Math.log((tau - d) * d) + tau / (tau - d)
                    + (d * d / 2 + (2 * tau + 1) * Math.log(1 - d / tau)) / ((tau + 1) * (tau + 1));
            double full = k * (Math.log(tau * tau * (tau + 2) / 2) + fFull);
            double restricted = k * (Math.log(2 * (tau + 2)) + fRestricted);
            double expected = full - restricted;
            assertEquals(expected, Moller.hardStoppingPower(t, wcc, ZA), 1e-9 * full, "T=" + t + " wcc=" + wcc);
        }
        // at the threshold T = 2 Wcc nothing is hard: continuous in T
        assertEquals(0, Moller.hardStoppingPower(0.4000001, 0.2, ZA), 1e-6);
        assertEquals(0, Moller.crossSection(0.4000001, 0.2, ZA), 1e-5);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.41, 0.6, 1.0, 5.0, 15.0, 20.0})
    void rejectionBoundHolds(double t) {
        double tau = t / M;
        double a = (2 * tau + 1) / ((tau + 1) * (tau + 1));
        double bound = 2 - a + 0.25 * (1 - a);
        for (int i = 0; i <= 1000; i++) {
            double eps = 0.5 * i / 1000.0;
            assertTrue(Moller.shape(eps, t) <= bound * (1 + 1e-12), "eps " + eps + " T " + t);
            if (eps > 0) {
                assertEquals(dsde(eps, t) * eps * eps, Moller.shape(eps, t) * Moller.K_PER_MOL * ZA
                        / ((1 - 1 / ((tau + 1) * (tau + 1))) * t), 1e-9 * dsde(eps, t) * eps * eps);
            }
        }
    }

    /** Sampled secondary energies follow the cross section (chi-square over 20 bins equal in 1/eps). */
    @ParameterizedTest
    @ValueSource(doubles = {0.6, 2.0, 15.0})
    void samplingFollowsTheCrossSection(double t) {
        double wcc = 0.2;
        int bins = 20;
        double ec = wcc / t;
        // bin edges uniform in 1/eps between 1/ec and 2
        double[] edge = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edge[i] = 1 / (1 / ec - i * (1 / ec - 2) / bins);
        }
        long[] count = new long[bins];
        Rng rng = new Rng(7, (long) (t * 1000));
        int n = 400_000;
        for (int k = 0; k < n; k++) {
            double w = Moller.sampleSecondary(t, wcc, rng);
            assertTrue(w >= wcc * (1 - 1e-12) && w <= t / 2 * (1 + 1e-12), "W " + w);
            double eps = w / t;
            int b = 0;
            while (b < bins - 1 && eps >= edge[b + 1]) {
                b++;
            }
            count[b]++;
        }
        double total = Moller.crossSection(t, wcc, ZA);
        double chi2 = 0;
        for (int b = 0; b < bins; b++) {
            double p = (Moller.crossSection(t, edge[b] * t, ZA) - Moller.crossSection(t, edge[b + 1] * t, ZA)) / total;
            if (b == bins - 1) {
                p = Moller.crossSection(t, edge[b] * t, ZA) / total;
            }
            double exp = p * n;
            chi2 += (count[b] - exp) * (count[b] - exp) / exp;
        }
        // 19 degrees of freedom: P(chi2 > 45) ~ 7e-4
        assertTrue(chi2 < 45, "chi2 " + chi2 + " at T = " + t);
    }

    @Test
    void twoBodyKinematicsConservesMomentum() {
        for (double t : new double[] {0.5, 2, 15}) {
            for (double f : new double[] {0.05, 0.2, 0.5}) {
                double w = f * t;
                double t1 = t - w;
                double c2 = Moller.cosine(w, t);
                double c1 = Moller.cosine(t1, t);
                double p0 = Math.sqrt(t * (t + 2 * M));
                double p1 = Math.sqrt(t1 * (t1 + 2 * M));
                double p2 = Math.sqrt(w * (w + 2 * M));
                assertEquals(p0, p1 * c1 + p2 * c2, 1e-12 * p0, "longitudinal");
                assertEquals(p1 * Math.sqrt(1 - c1 * c1), p2 * Math.sqrt(1 - c2 * c2), 1e-9 * p0, "transverse");
            }
        }
    }

    /** Continuous + discrete mean energy loss per g/cm2 equals the tabulated total stopping power. */
    @Test
    void meanEnergyLossUnchangedByTheCuts() {
        PhysicsTables t = Media.tables(0.05, 0.2);
        for (String name : Media.NAMES) {
            int m = t.index(name);
            Material mat = t.materials.get(m);
            for (int i = 0; i < PhysicsTables.N; i += 37) {
                double e = t.energy(i);
                double col = Material.logLog(mat.electronEnergy, mat.collision, e);
                double rad = Material.logLog(mat.electronEnergy, mat.radiative, e);
                int k = m * PhysicsTables.N + i;
                // discrete bremsstrahlung: int_kc^T k (S_rad/(T k)) dk = S_rad (T - kc)/T
                double discrete = Moller.hardStoppingPower(e, t.wcc, mat.zOverA) + (e > t.kc ? rad * (e - t.kc) / e : 0);
                assertEquals(col + rad, t.sRestricted[k] + discrete, 1e-9 * (col + rad), name + " " + e);
                assertTrue(t.sRestricted[k] > 0.5 * col, name + " " + e);
                assertTrue(t.hardMax[k] >= t.brems[k] + t.moller[k]);
                if (i > 0) {
                    assertTrue(t.hardMax[k] >= t.hardMax[k - 1]);
                }
            }
        }
        // at 15 MeV in water about 0.37 MeV cm2/g of the 2.0 go to delta rays above 200 keV, ~0.4 of them per g/cm2
        int w = t.index("water_liquid");
        assertEquals(0.37, Moller.hardStoppingPower(15, 0.2, t.materials.get(w).zOverA), 0.03);
        assertEquals(0.42, t.lookup(t.moller, w, 15), 0.03);
    }
}
