package org.gridpacs.dose.dicom;

/**
 * The machine at one control point, with what earlier control points set and this one left unchanged carried over:
 * angles (degrees, in [0, 360)), rotation directions, isocentre, jaws and leaves (mm, as in the plan), cumulative
 * meterset weight.
 *
 * @param jawX   X1, X2 of the X (or ASYMX) jaws, or null when the beam has none
 * @param jawY   Y1, Y2 of the Y (or ASYMY) jaws, or null when the beam has none
 * @param leaves MLCX leaf positions, bank A then bank B, or null when the beam has no MLC
 */
record ControlPointState(double gantry, String gantryDirection, double collimator, String collimatorDirection,
                         double couch, String couchDirection, double[] iso, double[] jawX, double[] jawY,
                         double[] leaves, double cumulativeWeight) {

    /** Subdivision limits for dynamic segments: no sub-segment turns more than this or moves a leaf more than this. */
    static final double MAX_DEGREES = 2;
    static final double MAX_TRAVEL_MM = 5;

    /** How many sub-segments the interval from this control point to {@code next} is sampled with. */
    int subdivisions(ControlPointState next) {
        double turn = Math.max(Math.abs(turn(gantry, next.gantry, gantryDirection, GANTRY_CW)),
                Math.max(Math.abs(turn(collimator, next.collimator, collimatorDirection, COLLIMATOR_CW)),
                        Math.abs(turn(couch, next.couch, couchDirection, COUCH_CW))));
        double travel = Math.max(travel(jawX, next.jawX), Math.max(travel(jawY, next.jawY), travel(leaves, next.leaves)));
        return (int) Math.max(1, Math.max(Math.ceil(turn / MAX_DEGREES - 1e-9), Math.ceil(travel / MAX_TRAVEL_MM - 1e-9)));
    }

    /** The machine a fraction {@code t} of the way from this control point to {@code next} (linear in each axis). */
    ControlPointState at(ControlPointState next, double t) {
        return new ControlPointState(
                PlanAttributes.angle(gantry + t * turn(gantry, next.gantry, gantryDirection, GANTRY_CW)),
                gantryDirection,
                PlanAttributes.angle(collimator + t * turn(collimator, next.collimator, collimatorDirection,
                        COLLIMATOR_CW)), collimatorDirection,
                PlanAttributes.angle(couch + t * turn(couch, next.couch, couchDirection, COUCH_CW)), couchDirection,
                lerp(iso, next.iso, t), lerp(jawX, next.jawX, t), lerp(jawY, next.jawY, t), lerp(leaves, next.leaves, t),
                cumulativeWeight + t * (next.cumulativeWeight - cumulativeWeight));
    }

    /*
     * Which way CW turns each IEC 61217 angle (all right-handed). DICOM gives each direction as seen from a point:
     * the gantry from the isocentre looking at the gantry (along +Yf: CW increases the angle), the collimator from the
     * source (along -Zb: CW decreases it), the couch from above (along -Zs: CW decreases it).
     */
    static final boolean GANTRY_CW = true;
    static final boolean COLLIMATOR_CW = false;
    static final boolean COUCH_CW = false;

    /**
     * The signed rotation from {@code a} to {@code b} the way the control point's direction (CW or CC) says, the
     * shorter way when it says NONE or nothing.
     *
     * @param cwIncreases whether CW increases this angle
     */
    static double turn(double a, double b, String direction, boolean cwIncreases) {
        double up = ((b - a) % 360 + 360) % 360; // in [0, 360)
        if (up == 0) {
            return 0;
        }
        return switch (direction) {
            case "CW" -> cwIncreases ? up : up - 360;
            case "CC" -> cwIncreases ? up - 360 : up;
            default -> up <= 180 ? up : up - 360;
        };
    }

    private static double travel(double[] a, double[] b) {
        double m = 0;
        if (a != null && b != null) {
            for (int i = 0; i < a.length; i++) {
                m = Math.max(m, Math.abs(b[i] - a[i]));
            }
        }
        return m;
    }

    private static double[] lerp(double[] a, double[] b, double t) {
        if (a == null) {
            return null;
        }
        if (t == 0 || a == b) {
            return a;
        }
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + t * (b[i] - a[i]);
        }
        return r;
    }
}
