package org.gridpacs.dose.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.physics.Csv;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.dose.source.ParallelBeam;
import org.gridpacs.dose.source.Source;
import org.junit.jupiter.api.Test;
import org.gridpacs.dicom.testutil.ProcessTest;

/** Heterogeneous slabs: 6 MV through water/lung/water, and 15 MeV electrons (DPM benchmark, shape). */
class SlabTest {
    static final int THREADS = WaterValidationTest.THREADS;

    private static double[] axis(Phantom p, MonteCarlo.Raw raw) {
        double[] d = new double[p.ny];
        for (int iy = 0; iy < p.ny; iy++) {
            d[iy] = Profiles.axisValue(p, iy, raw::dosePerHistory);
        }
        return d;
    }

    @Test
    @ProcessTest
    void lungSlabLowersDoseAndBuildsUpAfter() {
        Phantom lung = SyntheticPhantoms.waterBox(20, 20, 20, 1.0, 0.5, 1.0);
        lung.slabY(3, 10, Media.LUNG, SyntheticPhantoms.LUNG_DENSITY);
        Phantom water = SyntheticPhantoms.waterBox(20, 20, 20, 1.0, 0.5, 1.0);
        Source src = new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 5, 5, 0, 0, 0));
        DoseSettings s = DoseSettings.histories(6_000_000, 41).withThreads(THREADS);
        double[] dl = axis(lung, MonteCarlo.run(lung, src, s, ProgressListener.NONE));
        double[] dw = axis(water, MonteCarlo.run(water, src, s, ProgressListener.NONE));
        double max = 0;
        for (double v : dw) {
            max = Math.max(max, v);
        }
        List<String> rows = new ArrayList<>();
        for (int iy = 0; iy < lung.ny; iy++) {
            rows.add(String.format("%.2f cm: water %.1f%%  water/lung/water %.1f%%", lung.centreY(iy),
                    100 * dw[iy] / max, 100 * dl[iy] / max));
        }
        rows.forEach(System.out::println);
        // rows: 0.5 cm voxels; lung 3-10 cm = rows 6..19, water after = rows 20..
        // build-down at the lung entrance (~1-2%, within the noise of this run): reported, not asserted
        System.out.printf("lung entrance (3-4.5 cm) dose relative to water at the same depth: %.3f%n",
                (dl[6] + dl[7] + dl[8]) / (dw[6] + dw[7] + dw[8]));
        // lower dose in the lung than in the water before it
        assertTrue(dl[14] < 0.85 * dl[3], "lung " + dl[14] / max + " vs water before it " + dl[3] / max);
        // re-build-up behind the lung: relative to the homogeneous phantom the dose rises over the first cm of water
        // (mean lung/water ratio over the last 1.5 cm of lung vs 1.5-3 cm into the water behind it)
        double before = (dl[17] / dw[17] + dl[18] / dw[18] + dl[19] / dw[19]) / 3;
        double after = (dl[23] / dw[23] + dl[24] / dw[24] + dl[25] / dw[25]) / 3;
        System.out.printf("lung/water dose ratio at the distal interface: %.3f (last 1.5 cm of lung) -> %.3f (1.5-3 cm into water)%n",
                before, after);
        assertTrue(after > 1.03 * before, "no re-build-up behind the lung");
        // far behind the lung more dose than in water at the same depth (less attenuation on the way)
        assertTrue(dl[30] > 1.1 * dw[30], "behind the lung: " + dl[30] / max + " vs water " + dw[30] / max);
    }

    /**
     * 15 MeV electrons on the DPM slab phantom (Sempau et al. 2000, Fig. 15): water 0-1 cm | titanium 1-1.5 |
     * bone 1.5-2.5 | water. Titanium has no tables in shared/data/physics, so only the first water layer is
     * compared in shape (normalised at 0.5 cm); the depth dose in all-water is checked against the practical
     * range relation R50 = E0 / 2.33 cm/MeV (IAEA TRS-398) instead.
     */
    @Test
    @ProcessTest
    void fifteenMeVElectrons() {
        Phantom p = SyntheticPhantoms.waterBox(20, 10, 20, 2.0, 0.1, 2.0);
        Source src = new ParallelBeam(Source.ELECTRON, 15.0, 10, 0);
        MonteCarlo.Raw raw = MonteCarlo.run(p, src, DoseSettings.histories(1_000_000, 51).withThreads(THREADS),
                ProgressListener.NONE);
        double[] d = axis(p, raw);
        Csv bench = Csv.resource("benchmark_dpm_slab_15MeV_electrons.csv");
        double[] bz = bench.doubles("depth_cm");
        double[] bd = bench.doubles("dose");
        double ref05 = interp(bz, bd, 0.5);
        double ours05 = interp(p, d, 0.5);
        double worst = 0;
        double worstShallow = 0;
        for (int i = 0; i < bz.length && bz[i] < 0.9; i++) {
            double ours = interp(p, d, bz[i]) / ours05;
            double ref = bd[i] / ref05;
            System.out.printf("15 MeV e-, water layer: %.3f cm  ours %.3f  DPM %.3f%n", bz[i], ours, ref);
            worst = Math.max(worst, Math.abs(ours - ref));
            if (bz[i] < 0.6) {
                worstShallow = Math.max(worstShallow, Math.abs(ours - ref));
            }
        }
        // The knock-on (delta-ray) build-up: with Moller hard collisions the surface dose rises from ~0.91 like
        // DPM's (it was flat within 1% without them, 8.4% off at the surface). Deeper than ~0.6 cm DPM's curve
        // also carries backscatter from the titanium at 1 cm, which this all-water phantom lacks (Ti has no
        // tables), so the deeper points get a wider tolerance.
        System.out.printf("15 MeV e-, first water layer: largest shape difference %.3f (%.3f in 0-0.6 cm)%n", worst,
                worstShallow);
        assertTrue(worstShallow < 0.015, "shape in the first 0.6 cm of water differs by " + worstShallow);
        assertTrue(worst < 0.035, "shape in the first water layer differs by " + worst);
        assertTrue(interp(p, d, bz[0]) / ours05 < 0.95, "no surface build-up");
        double max = 0;
        for (double v : d) {
            max = Math.max(max, v);
        }
        double r50 = Profiles.crossing(centres(p), d, 0.5 * max, argmax(d));
        System.out.printf("15 MeV e- in water: R50 %.2f cm (TRS-398 E0 = 2.33 R50 -> %.2f cm)%n", r50, 15 / 2.33);
        assertEquals(15 / 2.33, r50, 0.3);
    }

    /** The same beam without delta rays (Wcc infinite): the surface build-up disappears, which shows its cause. */
    @Test
    void fifteenMeVElectronsWithoutDeltaRaysHaveNoBuildUp() {
        Phantom p = SyntheticPhantoms.waterBox(20, 10, 20, 2.0, 0.1, 2.0);
        Source src = new ParallelBeam(Source.ELECTRON, 15.0, 10, 0);
        MonteCarlo.Raw raw = MonteCarlo.run(p, src, DoseSettings.histories(300_000, 52).withThreads(THREADS)
                .withDeltaCut(Double.POSITIVE_INFINITY), ProgressListener.NONE);
        double[] d = axis(p, raw);
        double surface = (d[0] + d[1]) / (d[4] + d[5]); // 0-0.2 cm vs 0.4-0.6 cm
        System.out.printf("15 MeV e- without delta rays: dose(0-0.2 cm)/dose(0.4-0.6 cm) = %.3f%n", surface);
        assertTrue(surface > 0.97, "surface ratio " + surface);
        assertEquals(raw.entering, raw.deposited + raw.escaped, 1e-3 * raw.entering, "energy balance");
    }

    private static double[] centres(Phantom p) {
        double[] y = new double[p.ny];
        for (int i = 0; i < p.ny; i++) {
            y[i] = p.centreY(i);
        }
        return y;
    }

    private static int argmax(double[] d) {
        int b = 0;
        for (int i = 1; i < d.length; i++) {
            if (d[i] > d[b]) {
                b = i;
            }
        }
        return b;
    }

    private static double interp(Phantom p, double[] d, double y) {
        return interp(centres(p), d, y);
    }

    private static double interp(double[] x, double[] v, double at) {
        if (at <= x[0]) {
            return v[0];
        }
        for (int i = 0; i < x.length - 1; i++) {
            if (x[i + 1] >= at) {
                return v[i] + (v[i + 1] - v[i]) * (at - x[i]) / (x[i + 1] - x[i]);
            }
        }
        return v[v.length - 1];
    }
}
