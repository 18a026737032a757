package org.gridpacs.dose.source;

/**
 * One treatment beam (or one static segment of a modulated beam or arc): a point source at SAD from the isocentre,
 * rectangular jaws at the isocentre plane (asymmetric allowed: x1 < x2, y1 < y2, cm, collimator axes), an optional
 * static MLC, gantry, collimator and couch angles (degrees), the patient's position on the table, weight in MU.
 *
 * <p>Geometry (IEC 61217; DICOM patient axes: +x left, +y posterior, +z head): every rotation is right-handed about
 * its axis. The gantry turns about the fixed Yf axis (towards the gantry): at gantry g the source is at
 * SAD (sin g, 0, cos g) in the fixed system (gantry 0 above, 90 on the right of an observer at the foot of the couch
 * facing the gantry). The collimator turns about the beam axis; at collimator 0 its X axis (the X jaws' and MLCX
 * leaves' direction of travel) is the gantry's Xg and its Y axis is Yf. The couch angle (patient support plus table
 * top eccentric angle) turns the table top about the vertical, counter-clockwise seen from above. The patient lies
 * on the table top as {@link PatientPosition} says. So, head first supine at couch 0: gantry 0 is an anterior beam
 * travelling +y, gantry 90 has its source on the patient's left (+x); head first prone flips x (and y), feet first
 * supine mirrors x (and z); couch 90 turns the lateral part of the beam axis into the patient's z.
 *
 * @param couchDeg patient support angle plus table top eccentric angle (IEC 61217), degrees
 * @param position how the patient lies on the table top
 * @param mlc      static MLCX in collimator axes, or null for jaws only
 */
public record Beam(Kind kind, double mu, double gantryDeg, double collimatorDeg, double isoX, double isoY, double isoZ,
                   double x1, double x2, double y1, double y2, double sad, double couchDeg, PatientPosition position,
                   Mlc mlc)
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
        if (kind == null || position == null) {
            throw new IllegalArgumentException("a beam needs a kind and a patient position");
        }
    }

    /** Head first supine, couch 0, jaws only. */
    public Beam(Kind kind, double mu, double gantryDeg, double collimatorDeg, double isoX, double isoY, double isoZ,
                double x1, double x2, double y1, double y2, double sad) {
        this(kind, mu, gantryDeg, collimatorDeg, isoX, isoY, isoZ, x1, x2, y1, y2, sad, 0, PatientPosition.HFS, null);
    }

    /** Symmetric field fx x fy cm at the isocentre, gantry and collimator 0, SAD 100. */
    public static Beam symmetric(Kind kind, double mu, double fx, double fy, double isoX, double isoY, double isoZ) {
        return new Beam(kind, mu, 0, 0, isoX, isoY, isoZ, -fx / 2, fx / 2, -fy / 2, fy / 2, 100);
    }

    public Beam withMu(double newMu) {
        return new Beam(kind, newMu, gantryDeg, collimatorDeg, isoX, isoY, isoZ, x1, x2, y1, y2, sad, couchDeg, position,
                mlc);
    }

    /** Beam axis unit vector (direction of travel), patient coordinates. */
    public double[] axis() {
        return Iec61217.axes(gantryDeg, collimatorDeg, couchDeg, position)[0];
    }

    public double[] sourcePosition() {
        double[] d = axis();
        return new double[] {isoX - sad * d[0], isoY - sad * d[1], isoZ - sad * d[2]};
    }

    /** The opening at the isocentre plane: jaws, and the MLC if there is one. */
    public Aperture aperture() {
        return Aperture.of(this);
    }
}
