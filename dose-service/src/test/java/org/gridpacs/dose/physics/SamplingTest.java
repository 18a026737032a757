package org.gridpacs.dose.physics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dose.transport.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sampled physics against the analytic cross sections and the tables. */
class SamplingTest {

    /** Klein-Nishina angular distribution: histogram of cos(theta) against the integral of d sigma/d cos per bin. */
    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 1.25, 6.0})
    void kleinNishinaAngleAndEnergy(double energy) {
        double k = energy / PhysicsTables.ELECTRON_MASS;
        int bins = 20;
        int n = 1_000_000;
        long[] hist = new long[bins];
        double meanFraction = 0;
        Rng rng = new Rng(1, 2);
        for (int i = 0; i < n; i++) {
            double eta = Compton.sampleEta(k, rng);
            double cos = 1 - (eta - 1) / k;
            assertTrue(cos >= -1 - 1e-12 && cos <= 1 + 1e-12);
            hist[Math.min(bins - 1, (int) ((cos + 1) / 2 * bins))]++;
            meanFraction += 1 / eta;
        }
        double[] expected = new double[bins];
        double total = 0;
        double expFraction = 0;
        int sub = 200;
        for (int b = 0; b < bins; b++) {
            for (int j = 0; j < sub; j++) {
                double c = -1 + (b + (j + 0.5) / sub) * 2.0 / bins;
                double w = Compton.dSigmaDCos(k, c);
                expected[b] += w;
                total += w;
                expFraction += w / (1 + k * (1 - c));
            }
        }
        double chi2 = 0;
        for (int b = 0; b < bins; b++) {
            double e = expected[b] / total * n;
            chi2 += (hist[b] - e) * (hist[b] - e) / e;
        }
        // 19 degrees of freedom: chi2 < 45 is p > ~0.999
        assertTrue(chi2 < 45, "chi2 " + chi2 + " at " + energy + " MeV");
        assertEquals(expFraction / total, meanFraction / n, 2e-3, "mean E'/E");
    }

    /** Interaction type frequencies equal the tabulated partial attenuation coefficients. */
    @ParameterizedTest
    @ValueSource(doubles = {0.03, 0.1, 2.0, 6.0, 15.0})
    void interactionFractions(double energy) {
        PhysicsTables t = Media.tables(0.05, 0.2);
        for (String name : new String[] {"water_liquid", "bone_cortical_icrp"}) {
            int m = t.index(name);
            Material mat = t.materials.get(m);
            double c = Material.logLog(mat.photonEnergy, mat.compton, energy);
            double p = Material.logLog(mat.photonEnergy, mat.photoelectric, energy);
            double pp = Material.logLog(mat.photonEnergy, mat.pair, energy);
            double tot = c + p + pp;
            int n = 400_000;
            int[] counts = new int[3];
            Rng rng = new Rng(3, 4);
            for (int i = 0; i < n; i++) {
                counts[Transport.selectInteraction(t, m, energy, rng)]++;
            }
            double[] expect = {c / tot, p / tot, pp / tot};
            for (int k = 0; k < 3; k++) {
                double sigma = Math.sqrt(expect[k] * (1 - expect[k]) / n);
                assertEquals(expect[k], counts[k] / (double) n, 5 * sigma + 0.002 * expect[k],
                        name + " " + energy + " MeV process " + k);
            }
        }
    }

    /**
     * Multiple-scattering 1 - cos(theta): an exponential of mean a truncated to [0, 2], sampled by rejection below
     * a = 1/2 and by inversion above; histogram against the truncated distribution's bin probabilities.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.01, 0.2, 0.4999, 0.5, 1.5, 6.0})
    void multipleScatteringTruncatedExponential(double a) {
        int bins = 20;
        int n = 1_000_000;
        double top = Math.min(2, 12 * a); // the histogram range (beyond it the expected counts are negligible)
        long[] hist = new long[bins];
        double mean = 0;
        Rng rng = new Rng(4, 5);
        for (int i = 0; i < n; i++) {
            double x = Transport.scatteringOneMinusCos(a, rng);
            assertTrue(x >= 0 && x <= 2, "x = " + x);
            hist[Math.min(bins - 1, (int) (x / top * bins))]++;
            mean += x / n;
        }
        double norm = -Math.expm1(-2 / a);
        double chi2 = 0;
        for (int b = 0; b < bins; b++) {
            double lo = b * top / bins;
            double hi = b == bins - 1 ? 2 : (b + 1) * top / bins;
            double expect = n * (Math.exp(-lo / a) - Math.exp(-hi / a)) / norm;
            chi2 += (hist[b] - expect) * (hist[b] - expect) / expect;
        }
        assertTrue(chi2 < 45, "a = " + a + ": chi2 " + chi2 + " (19 dof)");
        double expectMean = a - 2 * Math.exp(-2 / a) / norm;
        assertEquals(expectMean, mean, 5 * a / Math.sqrt(n) + 1e-12, "mean of 1 - cos, a = " + a);
    }
}
