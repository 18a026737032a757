package org.gridpacs.dose.source;

/**
 * Patient Position (0018,5100) of a treatment setup: how the patient lies on the table top, which fixes how the
 * machine's IEC 61217 axes map to the DICOM patient axes (+x patient left, +y posterior, +z head).
 *
 * <p>Table top system t (IEC 61217, at couch angle 0): Xt to the right of an observer at the foot of the couch
 * facing the gantry, Yt towards the gantry, Zt up. Head first means the head points +Yt, supine means the anterior
 * faces +Zt; the patient's left is then head x anterior.
 */
public enum PatientPosition {
    /** Head first supine: left = +Xt, posterior = -Zt, head = +Yt. */
    HFS(1, -1, 1),
    /** Head first prone: left = -Xt, posterior = +Zt, head = +Yt. */
    HFP(-1, 1, 1),
    /** Feet first supine: left = -Xt, posterior = -Zt, head = -Yt. */
    FFS(-1, -1, -1),
    /** Feet first prone: left = +Xt, posterior = +Zt, head = -Yt. */
    FFP(1, 1, -1);

    private final int left;
    private final int posterior;
    private final int head;

    PatientPosition(int left, int posterior, int head) {
        this.left = left;
        this.posterior = posterior;
        this.head = head;
    }

    /** A vector given in the table top system, in patient coordinates (x from Xt, y from Zt, z from Yt). */
    public double[] fromTableTop(double xt, double yt, double zt) {
        return new double[] {left * xt, posterior * zt, head * yt};
    }

    /** The position for a DICOM Patient Position code, or null if it is not one of these four. */
    public static PatientPosition of(String code) {
        for (PatientPosition p : values()) {
            if (p.name().equals(code)) {
                return p;
            }
        }
        return null;
    }
}
