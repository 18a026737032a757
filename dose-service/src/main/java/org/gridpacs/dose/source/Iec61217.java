package org.gridpacs.dose.source;

/**
 * IEC 61217 machine angles to DICOM patient axes (see {@link Beam} for the convention). The fixed system f: Xf to the
 * right of an observer at the foot of the couch facing the gantry, Yf towards the gantry, Zf up; all rotations
 * right-handed.
 */
final class Iec61217 {
    private Iec61217() {
    }

    /**
     * The beam's axes in patient coordinates: [0] the direction of travel along the central axis, [1] the collimator
     * X axis (Xb), [2] the collimator Y axis (Yb).
     */
    static double[][] axes(double gantryDeg, double collimatorDeg, double couchDeg, PatientPosition position) {
        double g = Math.toRadians(gantryDeg);
        double c = Math.toRadians(collimatorDeg);
        double sg = Math.sin(g);
        double cg = Math.cos(g);
        double sc = Math.sin(c);
        double cc = Math.cos(c);
        // gantry system in f: the source is at +Zg = (sin g, 0, cos g), Xg = (cos g, 0, -sin g), Yg = Yf
        double[] travel = {-sg, 0, -cg};
        double[] xg = {cg, 0, -sg};
        double[] yg = {0, 1, 0};
        double[] xb = new double[3];
        double[] yb = new double[3];
        for (int k = 0; k < 3; k++) {
            xb[k] = cc * xg[k] + sc * yg[k];
            yb[k] = -sc * xg[k] + cc * yg[k];
        }
        return new double[][] {toPatient(travel, couchDeg, position), toPatient(xb, couchDeg, position),
                toPatient(yb, couchDeg, position)};
    }

    /** A direction in f -> table top system (turned by the couch angle about Zf) -> patient axes. */
    private static double[] toPatient(double[] v, double couchDeg, PatientPosition position) {
        double xt = v[0];
        double yt = v[1];
        if (couchDeg != 0) {
            double p = Math.toRadians(couchDeg);
            double sp = Math.sin(p);
            double cp = Math.cos(p);
            // components along Xt = (cos p, sin p, 0) and Yt = (-sin p, cos p, 0)
            xt = v[0] * cp + v[1] * sp;
            yt = -v[0] * sp + v[1] * cp;
        }
        return position.fromTableTop(xt, yt, v[2]);
    }
}
