package org.gridpacs.dose.source;

import org.gridpacs.dose.physics.Rng;

/**
 * Photons from the point sources of one or more beams. A beam is chosen with probability proportional to its
 * share of source photons (binary search, so plans of hundreds of segments cost nothing extra); the direction is
 * isotropic from the point source, restricted to the beam's opening: a uniform point on an isocentre-plane
 * rectangle of the opening, accepted with probability cos^3 of the angle to the axis, which makes the emission
 * uniform per solid angle. With an MLC the opening is one rectangle per open leaf pair, chosen in proportion to its
 * solid angle, so the emission stays uniform per solid angle over the whole opening and no history is spent on
 * closed leaves (the photon count of a beam is that of its opening: {@link Aperture#solidAngle()}).
 */
public final class BeamSource implements Source {
    private static final long serialVersionUID = 2L;
    private final double[] cumulative;
    private final Spectrum[] spectra;
    private final double[][] frame; // per beam: source xyz, axis, ex, ey (12 numbers)
    private final double[][] rectangles; // per beam: x1, x2, y1, y2 of each open rectangle
    private final double[][] rectangleCumulative; // per beam with more than one rectangle: cumulative solid angle
    private final double[] sad;
    private final double maxEnergy;

    /**
     * @param photons relative number of source photons per beam (e.g. MU times photons per MU per sr times the
     *                solid angle of the opening)
     * @throws IllegalArgumentException if a beam with photons has a closed opening
     */
    public BeamSource(Beam[] beams, double[] photons) {
        int n = beams.length;
        cumulative = new double[n];
        spectra = new Spectrum[n];
        frame = new double[n][];
        rectangles = new double[n][];
        rectangleCumulative = new double[n][];
        sad = new double[n];
        double s = 0;
        double emax = 0;
        for (int b = 0; b < n; b++) {
            s += photons[b];
            cumulative[b] = s;
        }
        for (int b = 0; b < n; b++) {
            cumulative[b] /= s;
            Beam beam = beams[b];
            spectra[b] = beam.kind().spectrum();
            emax = Math.max(emax, spectra[b].max());
            double[][] axes = Iec61217.axes(beam.gantryDeg(), beam.collimatorDeg(), beam.couchDeg(), beam.position());
            double[] d = axes[0];
            double[] ex = axes[1];
            double[] ey = axes[2];
            double[] src = beam.sourcePosition();
            frame[b] = new double[] {src[0], src[1], src[2], d[0], d[1], d[2], ex[0], ex[1], ex[2], ey[0], ey[1], ey[2]};
            sad[b] = beam.sad();
            double[][] open = beam.aperture().rectangles();
            if (open.length == 0 && photons[b] > 0) {
                throw new IllegalArgumentException("beam " + (b + 1) + " has photons but its MLC is closed");
            }
            rectangles[b] = new double[4 * open.length];
            double[] solid = new double[open.length];
            double t = 0;
            for (int r = 0; r < open.length; r++) {
                System.arraycopy(open[r], 0, rectangles[b], 4 * r, 4);
                t += Aperture.solidAngle(open[r], sad[b]);
                solid[r] = t;
            }
            if (open.length > 1) {
                for (int r = 0; r < open.length; r++) {
                    solid[r] /= t;
                }
                rectangleCumulative[b] = solid;
            }
        }
        maxEnergy = emax;
    }

    public BeamSource(Beam beam) {
        this(new Beam[] {beam}, new double[] {1});
    }

    /** The first index whose cumulative share exceeds {@code u} (the last if none does). */
    static int pick(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    @Override
    public void emit(Rng rng, double[] p) {
        int b = cumulative.length > 1 ? pick(cumulative, rng.uniform()) : 0;
        double[] f = frame[b];
        double[] j = rectangles[b];
        int o = rectangleCumulative[b] == null ? 0 : 4 * pick(rectangleCumulative[b], rng.uniform());
        double l = sad[b];
        double a;
        double c;
        double len;
        while (true) {
            a = j[o] + (j[o + 1] - j[o]) * rng.uniform();
            c = j[o + 2] + (j[o + 3] - j[o + 2]) * rng.uniform();
            len = Math.sqrt(l * l + a * a + c * c);
            double cos = l / len;
            if (rng.uniform() <= cos * cos * cos) {
                break;
            }
        }
        double inv = 1 / len;
        p[0] = PHOTON;
        p[1] = spectra[b].sample(rng);
        p[2] = f[0];
        p[3] = f[1];
        p[4] = f[2];
        p[5] = (l * f[3] + a * f[6] + c * f[9]) * inv;
        p[6] = (l * f[4] + a * f[7] + c * f[10]) * inv;
        p[7] = (l * f[5] + a * f[8] + c * f[11]) * inv;
    }

    @Override
    public double maxEnergy() {
        return maxEnergy;
    }
}
