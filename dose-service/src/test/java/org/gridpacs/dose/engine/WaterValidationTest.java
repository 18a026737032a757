package org.gridpacs.dose.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.physics.Csv;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.junit.jupiter.api.Test;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * Validation in water, 10 x 10 cm at SSD 100 (bounded for CI on 2 cores): central-axis depth doses against
 * reference_pdd.csv, depth of maximum, energy balance, inverse square, penumbra, determinism.
 */
class WaterValidationTest {
    static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** Central-axis depth dose (dose per history) on a 1.5 x 0.2 x 1.5 cm grid. */
    record Curve(double[] depth, double[] dose, double dmax, double peak, MonteCarlo.Raw raw) {
        double pddAt(double d) {
            for (int i = 0; i < depth.length - 1; i++) {
                if (depth[i] <= d && depth[i + 1] >= d) {
                    double f = (d - depth[i]) / (depth[i + 1] - depth[i]);
                    return 100 * (dose[i] + f * (dose[i + 1] - dose[i])) / peak;
                }
            }
            throw new IllegalArgumentException("depth " + d);
        }
    }

    static Curve depthDose(Beam beam, long histories, long seed) {
        Phantom p = SyntheticPhantoms.waterBox(30, 30, 30, 1.5, 0.2, 1.5);
        MonteCarlo.Raw raw = MonteCarlo.run(p, new BeamSource(beam),
                DoseSettings.histories(histories, seed).withThreads(THREADS), ProgressListener.NONE);
        double[] depth = new double[p.ny];
        double[] dose = new double[p.ny];
        for (int iy = 0; iy < p.ny; iy++) {
            depth[iy] = p.centreY(iy);
            dose[iy] = Profiles.axisValue(p, iy, raw::dosePerHistory);
        }
        double[] pk = Calibration.peak(depth, dose);
        return new Curve(depth, dose, pk[0], pk[1], raw);
    }

    private static void checkAgainstReference(String beamName, Curve c) {
        Csv ref = Csv.resource("reference_pdd.csv");
        List<String> report = new ArrayList<>();
        double nominalDmax = Double.NaN;
        for (String[] row : ref.rows) {
            if (!row[ref.column("beam")].equals(beamName)) {
                continue;
            }
            double d = Double.parseDouble(row[ref.column("depth_cm")]);
            double pdd = Double.parseDouble(row[ref.column("pdd_percent")]);
            if (pdd == 100.0) {
                nominalDmax = d;
                continue;
            }
            double ours = c.pddAt(d);
            report.add(String.format("%s PDD(%.1f cm): %.1f%% vs reference %.1f%% (%s), diff %+.1f points",
                    beamName, d, ours, pdd, row[ref.column("source")], ours - pdd));
            assertEquals(pdd, ours, 2.0, report.get(report.size() - 1));
        }
        report.add(String.format("%s dmax %.2f cm vs nominal %.1f cm; energy balance error %.2e; %.0f histories/s",
                beamName, c.dmax, nominalDmax, c.raw.entering == 0 ? 0
                        : (c.raw.entering - c.raw.deposited - c.raw.escaped) / c.raw.entering,
                c.raw.histories / c.raw.seconds));
        report.forEach(System.out::println);
        assertEquals(nominalDmax, c.dmax, 0.3, "dmax");
        assertEquals(c.raw.entering, c.raw.deposited + c.raw.escaped, 1e-3 * c.raw.entering, "energy balance");
    }

    @Test
    @ProcessTest
    void sixMegavoltDepthDose() {
        checkAgainstReference("6MV", depthDose(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0), 16_000_000, 11));
    }

    @Test
    @ProcessTest
    void cobaltDepthDose() {
        checkAgainstReference("Co-60", depthDose(Beam.symmetric(Beam.Kind.CO60, 1, 10, 10, 0, 0, 0), 16_000_000, 12));
    }

    /**
     * SSD 100 vs SSD 120 with the jaws set for the same 10 x 10 field at the surface: the dose at dmax per MU falls
     * as the inverse square of the source distance.
     */
    @Test
    @ProcessTest
    void inverseSquare() {
        Beam near = Beam.symmetric(Beam.Kind.CO60, 1, 10, 10, 0, 0, 0);
        double f = 100.0 / 120.0;
        Beam far = new Beam(Beam.Kind.CO60, 1, 0, 0, 0, -20, 0, -5 * f, 5 * f, -5 * f, 5 * f, 100);
        double a = doseDepth2to6(near, 21);
        double b = doseDepth2to6(far, 22);
        // per MU: photons in the cone scale with its solid angle
        double ratio = b * Calibration.solidAngle(far) / (a * Calibration.solidAngle(near));
        double expected = 0;
        for (double d = 2.5; d < 6; d += 1) {
            expected += Math.pow((100 + d) / (120 + d), 2) / 4;
        }
        System.out.printf("inverse square, 2-6 cm depth: SSD120/SSD100 dose per MU = %.4f, expected %.4f (%+.2f%%)%n",
                ratio, expected, 100 * (ratio / expected - 1));
        assertEquals(expected, ratio, 0.015 * expected);
    }

    /** Central 6 x 6 cm, depth 2-6 cm: dose per history. */
    private static double doseDepth2to6(Beam beam, long seed) {
        Phantom p = SyntheticPhantoms.waterBox(30, 30, 30, 3, 1, 3);
        MonteCarlo.Raw raw = MonteCarlo.run(p, new BeamSource(beam),
                DoseSettings.histories(3_000_000, seed).withThreads(THREADS), ProgressListener.NONE);
        double s = 0;
        for (int iy = 2; iy < 6; iy++) {
            s += Profiles.axisValue(p, iy, raw::dosePerHistory);
        }
        return s;
    }

    /** 20-80% penumbra of a 6 MV 10 x 10 field at 10 cm depth (reported; point source, no head scatter). */
    @Test
    void penumbraAt10cm() {
        Phantom p = SyntheticPhantoms.waterBox(24, 14, 6, 0.2, 0.5, 2.0);
        MonteCarlo.Raw raw = MonteCarlo.run(p, new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0)),
                DoseSettings.histories(8_000_000, 31).withThreads(THREADS), ProgressListener.NONE);
        int row = Profiles.row(p, 10.0);
        double[] prof = Profiles.profileX(p, row, raw::dosePerHistory);
        double[] x = new double[p.nx];
        for (int i = 0; i < p.nx; i++) {
            x[i] = p.centreX(i);
        }
        double pen = Profiles.penumbra2080(x, prof);
        double geometricEdge = 5.0 * (100 + p.centreY(row)) / 100;
        double x50 = Profiles.crossing(x, prof, 0.5 * prof[p.nx / 2], p.nx / 2);
        System.out.printf("6 MV 10x10 at %.2f cm depth: 20-80%% penumbra %.2f cm, 50%% edge at %.2f cm (geometric %.2f cm)%n",
                p.centreY(row), pen, x50, geometricEdge);
        assertTrue(pen > 0.2 && pen < 1.2, "penumbra " + pen);
        assertEquals(geometricEdge, x50, 0.3);
    }

    /** Same seed, different thread counts: identical sums. */
    @Test
    void sameSeedSameDoseWhateverTheThreads() {
        Phantom p = SyntheticPhantoms.waterLungWater(2.0);
        BeamSource src = new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 10, 10, 0, 0, 0));
        MonteCarlo.Raw one = MonteCarlo.run(p, src, DoseSettings.histories(200_000, 5).withThreads(1), ProgressListener.NONE);
        MonteCarlo.Raw three = MonteCarlo.run(p, src, DoseSettings.histories(200_000, 5).withThreads(3), ProgressListener.NONE);
        assertEquals(one.tally, three.tally);
        assertArrayEquals(one.tally.toBytes(), three.tally.toBytes());
        assertEquals(one.uncertainty, three.uncertainty);
        MonteCarlo.Raw other = MonteCarlo.run(p, src, DoseSettings.histories(200_000, 6).withThreads(2), ProgressListener.NONE);
        assertNotEquals(one.tally, other.tally);
    }

    /** The stopping rule: runs until the mean uncertainty above 50% of max is below the target. */
    @Test
    void stopsAtTargetUncertainty() {
        Phantom p = SyntheticPhantoms.water(2.0);
        BeamSource src = new BeamSource(Beam.symmetric(Beam.Kind.CO60, 1, 10, 10, 0, 0, 0));
        MonteCarlo.Raw raw = MonteCarlo.run(p, src, DoseSettings.histories(50_000_000, 5).withThreads(THREADS)
                .withTarget(0.02, 20_000), ProgressListener.NONE);
        assertTrue(raw.uncertainty <= 0.02, "reached " + raw.uncertainty);
        assertTrue(raw.histories < 50_000_000);
        assertTrue(raw.batches >= DoseSettings.BATCHES_PER_ROUND);
    }
}
