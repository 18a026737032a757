package org.gridpacs.dose.source;

/**
 * One treatment beam: a point source at SAD from the isocentre, rectangular jaws defined at the isocentre plane
 * (asymmetric allowed: x1 < x2, y1 < y2, cm), gantry and collimator angles (degrees), weight in MU.
 *
 * <p>Geometry (IEC 61217-like, patient in DICOM axes, head-first supine): at gantry 0 the source is anterior
 * (-y) and the beam travels +y; gantry angle g puts the source at iso + SAD (sin g, -cos g, 0). The X jaws move
 * along x at gantry 0 / collimator 0, the Y jaws along z; the collimator rotates both about the beam axis.
 */
public record Beam(Kind kind, double mu, double gantryDeg, double collimatorDeg, double isoX, double isoY, double isoZ,
                   double x1, double x2, double y1, double y2, double sad)
        implements java.io.Serializable {

    public enum Kind {
        CO60, MV6;

        public Spectrum spectrum() {
            return this == CO60 ? Spectrum.cobalt60() : Spectrum.mohan6MV();
        }

        /** Nominal depth of dose maximum in water, cm (BJR-25). */
        public double nominalDmax() {
            return this == CO60 ? 0.5 : 1.5;
        }
    }

    public Beam {
        if (!(x1 < x2) || !(y1 < y2) || sad <= 0 || mu < 0) {
            throw new IllegalArgumentException("bad beam: jaws " + x1 + ".." + x2 + " x " + y1 + ".." + y2);
        }
    }

    /** Symmetric field fx x fy cm at the isocentre, gantry and collimator 0, SAD 100. */
    public static Beam symmetric(Kind kind, double mu, double fx, double fy, double isoX, double isoY, double isoZ) {
        return new Beam(kind, mu, 0, 0, isoX, isoY, isoZ, -fx / 2, fx / 2, -fy / 2, fy / 2, 100);
    }

    /** Beam axis unit vector. */
    public double[] axis() {
        double g = Math.toRadians(gantryDeg);
        return new double[] {-Math.sin(g), Math.cos(g), 0};
    }

    public double[] sourcePosition() {
        double[] d = axis();
        return new double[] {isoX - sad * d[0], isoY - sad * d[1], isoZ - sad * d[2]};
    }
}
