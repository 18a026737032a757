package org.gridpacs.dose.engine;

import java.util.function.IntToDoubleFunction;

import org.gridpacs.dose.phantom.Phantom;

/**
 * Read-outs for beams along +y through x = 0, z = 0 (the synthetic phantoms at gantry 0): the central axis is the
 * mean of the voxels touching the axis (one or two per lateral direction).
 */
public final class Profiles {
    private Profiles() {
    }

    /** Voxel indices along x (or z) whose extent touches coordinate 0: {lo, hi} (equal when 0 is inside a voxel). */
    static int[] straddle(double origin, double size, int n) {
        double f = (0 - origin) / size;
        int i = (int) Math.floor(f);
        if (Math.abs(f - Math.rint(f)) < 1e-6) {
            int k = (int) Math.rint(f);
            return new int[] {Math.max(0, k - 1), Math.min(n - 1, k)};
        }
        i = Math.max(0, Math.min(n - 1, i));
        return new int[] {i, i};
    }

    public static double axisValue(Phantom p, int iy, IntToDoubleFunction value) {
        int[] xs = straddle(p.x0, p.dx, p.nx);
        int[] zs = straddle(p.z0, p.dz, p.nz);
        double s = 0;
        int n = 0;
        for (int ix = xs[0]; ix <= xs[1]; ix++) {
            for (int iz = zs[0]; iz <= zs[1]; iz++) {
                s += value.applyAsDouble(p.index(ix, iy, iz));
                n++;
            }
        }
        return s / n;
    }

    /** Relative uncertainty of the mean of the axis voxels (treated as independent). */
    public static double axisUncertainty(Phantom p, int iy, IntToDoubleFunction value, IntToDoubleFunction rel) {
        int[] xs = straddle(p.x0, p.dx, p.nx);
        int[] zs = straddle(p.z0, p.dz, p.nz);
        double s = 0;
        double var = 0;
        for (int ix = xs[0]; ix <= xs[1]; ix++) {
            for (int iz = zs[0]; iz <= zs[1]; iz++) {
                int i = p.index(ix, iy, iz);
                double v = value.applyAsDouble(i);
                s += v;
                var += Math.pow(v * rel.applyAsDouble(i), 2);
            }
        }
        return s > 0 ? Math.sqrt(var) / s : 1;
    }

    /** Lateral profile along x at depth row iy, averaged over the z voxels touching the axis. */
    public static double[] profileX(Phantom p, int iy, IntToDoubleFunction value) {
        int[] zs = straddle(p.z0, p.dz, p.nz);
        double[] out = new double[p.nx];
        for (int ix = 0; ix < p.nx; ix++) {
            double s = 0;
            for (int iz = zs[0]; iz <= zs[1]; iz++) {
                s += value.applyAsDouble(p.index(ix, iy, iz));
            }
            out[ix] = s / (zs[1] - zs[0] + 1);
        }
        return out;
    }

    /** Row index whose centre is nearest to depth y. */
    public static int row(Phantom p, double y) {
        int iy = (int) Math.floor((y - p.y0) / p.dy);
        return Math.max(0, Math.min(p.ny - 1, iy));
    }

    /**
     * Distance between the 20% and 80% points (of the central value) on one side of a profile, by linear
     * interpolation: the penumbra width, cm. Uses the +x side.
     */
    public static double penumbra2080(double[] x, double[] v) {
        int c = x.length / 2;
        double centre = 0;
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) <= 1.0 + 1e-9) {
                centre += v[i];
                n++;
            }
        }
        centre /= n;
        double x80 = crossing(x, v, 0.8 * centre, c);
        double x20 = crossing(x, v, 0.2 * centre, c);
        return x20 - x80;
    }

    /** First x beyond index from where v falls below level (linear interpolation). */
    public static double crossing(double[] x, double[] v, double level, int from) {
        for (int i = from; i < x.length - 1; i++) {
            if (v[i] >= level && v[i + 1] < level) {
                return x[i] + (x[i + 1] - x[i]) * (v[i] - level) / (v[i] - v[i + 1]);
            }
        }
        return Double.NaN;
    }
}
