package org.gridpacs.dose.engine;

import java.io.Serializable;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;

/**
 * Absolute dose: 1 MU gives 1 cGy at the depth of maximum dose on the central axis of a 10 x 10 cm field at
 * SSD 100 cm in water (for 6 MV and for Co-60 alike, each at its own dmax). Found by simulating that reference
 * with a fixed seed; the result is the number of source photons per MU per steradian of the point source, so a
 * beam's photon count scales with the solid angle of its opening (jaws and MLC; collimator scatter and leaf
 * transmission are not modelled).
 *
 * <p>A value, computed once per job (or once by a caller that runs several jobs with the same physics settings) and
 * carried with the {@link DoseJob}: no per-JVM cache, so a machine of a grid never recomputes it (a reference run is
 * millions of histories) and never uses one made with other settings.
 */
public final class Calibration implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final long DEFAULT_HISTORIES = 4_000_000;
    private static final long SEED = 20240601L;

    private final Map<Beam.Kind, Reference> references;
    private final double photonCut;
    private final double electronCut;
    private final double stepFraction;
    private final double wcc;

    /**
     * The reference result.
     *
     * @param dmax              depth of maximum dose, cm (parabola fitted around the highest smoothed point)
     * @param dosePerHistory    dose at dmax per source photon, Gy
     * @param photonsPerMuPerSr source photons per MU per steradian
     */
    public record Reference(Beam.Kind kind, double dmax, double dosePerHistory, double photonsPerMuPerSr,
                            double[] depth, double[] pdd) implements Serializable {
    }

    private Calibration(Map<Beam.Kind, Reference> references, DoseSettings s) {
        this.references = new EnumMap<>(references);
        photonCut = s.photonCut();
        electronCut = s.electronCut();
        stepFraction = s.stepFraction();
        wcc = s.wcc();
    }

    /**
     * Simulates the reference of each beam kind with the physics of {@code settings} (cuts, step, delta-ray cut,
     * tracking), {@code histories} histories each, on a pool of {@code settings.threads()} threads.
     */
    public static Calibration compute(Collection<Beam.Kind> kinds, DoseSettings settings, long histories) {
        Map<Beam.Kind, Reference> refs = new EnumMap<>(Beam.Kind.class);
        for (Beam.Kind k : kinds) {
            refs.computeIfAbsent(k, kind -> simulate(kind, settings, histories));
        }
        return new Calibration(refs, settings);
    }

    /** The reference of a beam kind. @throws IllegalArgumentException if this calibration has none for it */
    public Reference reference(Beam.Kind kind) {
        Reference r = references.get(kind);
        if (r == null) {
            throw new IllegalArgumentException("no calibration for " + kind + " (calibrated: " + references.keySet() + ")");
        }
        return r;
    }

    /**
     * Whether it was made with the physics of {@code s}: the cuts and step change the dose per photon; seed and
     * threads do not, nor does the tracking (the reference is all water, one majorant region either way).
     */
    public boolean matches(DoseSettings s) {
        return photonCut == s.photonCut() && electronCut == s.electronCut() && stepFraction == s.stepFraction()
                && wcc == s.wcc();
    }

    /** Solid angle of the beam's opening (jaws, and MLC if any) seen from the source, sr. */
    public static double solidAngle(Beam b) {
        return b.aperture().solidAngle();
    }

    private static Reference simulate(Beam.Kind kind, DoseSettings settings, long histories) {
        // 30 cm water, 1.5 cm voxels across the beam (the central 3 x 3 cm is flat), 2 mm along it
        Phantom p = SyntheticPhantoms.waterBox(30, 30, 30, 1.5, 0.2, 1.5);
        Beam beam = Beam.symmetric(kind, 1, 10, 10, 0, 0, 0);
        DoseSettings s = new DoseSettings(SEED, settings.threads(), histories, 0, 200_000, settings.photonCut(),
                settings.electronCut(), settings.stepFraction(), settings.deltaCut(), settings.tracking(),
                settings.crossingCost());
        MonteCarlo.Raw raw = MonteCarlo.run(p, new BeamSource(beam), s, ProgressListener.NONE);
        double[] depth = new double[p.ny];
        double[] d = new double[p.ny];
        for (int iy = 0; iy < p.ny; iy++) {
            depth[iy] = p.centreY(iy);
            d[iy] = Profiles.axisValue(p, iy, raw::dosePerHistory);
        }
        double[] peak = peak(depth, d);
        double[] pdd = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            pdd[i] = 100 * d[i] / peak[1];
        }
        double perMu = 0.01 / peak[1] / solidAngle(beam);
        return new Reference(kind, peak[0], peak[1], perMu, depth, pdd);
    }

    /**
     * Position and value of the maximum of a noisy depth-dose curve: the highest point of a 3-point running mean,
     * refined by a least-squares parabola over the points within +-0.4 cm of it that are above 97% of that mean (a
     * wider window would let the steep build-up drag the vertex); a vertex outside the fitted points is clamped to
     * the nearest of them.
     */
    public static double[] peak(double[] x, double[] y) {
        int n = y.length;
        int best = 1;
        double bestV = -1;
        for (int i = 1; i < n - 1; i++) {
            double v = (y[i - 1] + y[i] + y[i + 1]) / 3;
            if (v > bestV) {
                bestV = v;
                best = i;
            }
        }
        double[][] m = new double[3][4];
        double tMin = Double.POSITIVE_INFINITY;
        double tMax = Double.NEGATIVE_INFINITY;
        int used = 0;
        for (int i = 0; i < n; i++) {
            double t = x[i] - x[best];
            if (Math.abs(t) <= 0.4 + 1e-9 && y[i] >= 0.97 * bestV) {
                double[] row = {1, t, t * t};
                for (int r = 0; r < 3; r++) {
                    for (int c = 0; c < 3; c++) {
                        m[r][c] += row[r] * row[c];
                    }
                    m[r][3] += row[r] * y[i];
                }
                tMin = Math.min(tMin, t);
                tMax = Math.max(tMax, t);
                used++;
            }
        }
        double[] sol = used >= 3 ? solve3(m) : null;
        if (sol == null) {
            return new double[] {x[best], bestV};
        }
        double tv = sol[2] < 0 ? -sol[1] / (2 * sol[2]) : (sol[1] > 0 ? tMax : tMin);
        tv = Math.max(tMin, Math.min(tMax, tv));
        return new double[] {x[best] + tv, sol[0] + sol[1] * tv + sol[2] * tv * tv};
    }

    private static double[] solve3(double[][] m) {
        for (int c = 0; c < 3; c++) {
            int piv = c;
            for (int r = c + 1; r < 3; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            double[] tmp = m[c];
            m[c] = m[piv];
            m[piv] = tmp;
            if (Math.abs(m[c][c]) < 1e-300) {
                return null;
            }
            for (int r = 0; r < 3; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k < 4; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        return new double[] {m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]};
    }
}
