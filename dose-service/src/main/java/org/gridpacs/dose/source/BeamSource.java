package org.gridpacs.dose.source;

import org.gridpacs.dose.physics.Rng;

/**
 * Photons from the point sources of one or more beams. A beam is chosen with probability proportional to its
 * share of source photons; the direction is isotropic from the point source, restricted to the jaw opening
 * (uniform point on the isocentre-plane rectangle, accepted with probability cos^3 of the angle to the axis,
 * which makes the emission uniform per solid angle).
 */
public final class BeamSource implements Source {
    private static final long serialVersionUID = 1L;
    private final double[] cumulative;
    private final Spectrum[] spectra;
    private final double[][] frame; // per beam: source xyz, axis, ex, ey (12 numbers)
    private final double[][] jaws;
    private final double[] sad;
    private final double maxEnergy;

    /** @param photons relative number of source photons per beam (e.g. MU times photons per MU) */
    public BeamSource(Beam[] beams, double[] photons) {
        int n = beams.length;
        cumulative = new double[n];
        spectra = new Spectrum[n];
        frame = new double[n][];
        jaws = new double[n][];
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
            double g = Math.toRadians(beam.gantryDeg());
            double c = Math.toRadians(beam.collimatorDeg());
            double[] d = beam.axis();
            double[] ex0 = {Math.cos(g), Math.sin(g), 0};
            double[] ey0 = {0, 0, 1};
            // collimator rotation about the axis
            double[] ex = new double[3];
            double[] ey = new double[3];
            for (int k = 0; k < 3; k++) {
                ex[k] = Math.cos(c) * ex0[k] + Math.sin(c) * ey0[k];
                ey[k] = -Math.sin(c) * ex0[k] + Math.cos(c) * ey0[k];
            }
            double[] src = beam.sourcePosition();
            frame[b] = new double[] {src[0], src[1], src[2], d[0], d[1], d[2], ex[0], ex[1], ex[2], ey[0], ey[1], ey[2]};
            jaws[b] = new double[] {beam.x1(), beam.x2(), beam.y1(), beam.y2()};
            sad[b] = beam.sad();
        }
        maxEnergy = emax;
    }

    public BeamSource(Beam beam) {
        this(new Beam[] {beam}, new double[] {1});
    }

    @Override
    public void emit(Rng rng, double[] p) {
        int b = 0;
        if (cumulative.length > 1) {
            double r = rng.uniform();
            while (b < cumulative.length - 1 && cumulative[b] <= r) {
                b++;
            }
        }
        double[] f = frame[b];
        double[] j = jaws[b];
        double l = sad[b];
        double a;
        double c;
        double len;
        while (true) {
            a = j[0] + (j[1] - j[0]) * rng.uniform();
            c = j[2] + (j[3] - j[2]) * rng.uniform();
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
