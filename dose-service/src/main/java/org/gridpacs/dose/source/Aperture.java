package org.gridpacs.dose.source;

import java.util.ArrayList;
import java.util.List;

/**
 * The opening of a beam at the isocentre plane: the jaw rectangle, or, with an MLC, one rectangle per leaf pair (its
 * leaf gap between its boundaries, clipped to the jaws; closed pairs left out). The rectangles do not overlap, so the
 * solid angle of the opening is the sum of theirs, each exact.
 */
public final class Aperture {
    private final double sad;
    private final double[][] rectangles;

    private Aperture(double sad, double[][] rectangles) {
        this.sad = sad;
        this.rectangles = rectangles;
    }

    public static Aperture of(Beam b) {
        if (b.mlc() == null) {
            return new Aperture(b.sad(), new double[][] {{b.x1(), b.x2(), b.y1(), b.y2()}});
        }
        List<double[]> open = new ArrayList<>();
        Mlc m = b.mlc();
        for (int i = 0; i < m.pairs(); i++) {
            double[] r = m.opening(i, b.x1(), b.x2(), b.y1(), b.y2());
            if (r != null) {
                open.add(r);
            }
        }
        return new Aperture(b.sad(), open.toArray(new double[0][]));
    }

    /** The open rectangles, each {x1, x2, y1, y2} in cm at the isocentre plane (collimator axes). */
    public double[][] rectangles() {
        double[][] c = new double[rectangles.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = rectangles[i].clone();
        }
        return c;
    }

    public boolean isClosed() {
        return rectangles.length == 0;
    }

    /** Solid angle of the opening seen from the source, sr. */
    public double solidAngle() {
        double s = 0;
        for (double[] r : rectangles) {
            s += solidAngle(r, sad);
        }
        return s;
    }

    /** Solid angle of the rectangle {x1, x2, y1, y2} at distance {@code l} from a point on its plane's normal, sr. */
    static double solidAngle(double[] r, double l) {
        return f(r[1], r[3], l) - f(r[0], r[3], l) - f(r[1], r[2], l) + f(r[0], r[2], l);
    }

    private static double f(double a, double c, double l) {
        return Math.atan(a * c / (l * Math.sqrt(l * l + a * a + c * c)));
    }
}
