package org.gridpacs.dose.source;

import java.util.Arrays;

/**
 * A multileaf collimator whose leaves move along the collimator X axis (DICOM MLCX), in one static position: leaf pair
 * {@code i} covers {@code boundaries[i]..boundaries[i+1]} along the collimator Y axis and is open from {@code bankA[i]}
 * (the X1 side) to {@code bankB[i]} (the X2 side). All in cm, projected to the isocentre plane, as DICOM's Leaf
 * Position Boundaries and Leaf/Jaw Positions are (in mm).
 *
 * <p>Leaves are opaque (no transmission or leakage, no rounded leaf ends or tongue and groove): a photon whose
 * isocentre-plane point lies between two closed leaves carries no dose.
 */
public record Mlc(double[] boundaries, double[] bankA, double[] bankB) implements java.io.Serializable {

    public Mlc {
        int n = bankA.length;
        if (n == 0 || bankB.length != n || boundaries.length != n + 1) {
            throw new IllegalArgumentException("MLC needs n leaf pairs, n + 1 boundaries: " + n + " / "
                    + bankB.length + " leaves, " + boundaries.length + " boundaries");
        }
        for (int i = 0; i < n; i++) {
            if (!(boundaries[i] < boundaries[i + 1])) {
                throw new IllegalArgumentException("MLC leaf boundaries not increasing at pair " + (i + 1));
            }
            if (!(bankA[i] <= bankB[i])) {
                throw new IllegalArgumentException("MLC leaf pair " + (i + 1) + ": bank A at " + bankA[i]
                        + " cm is beyond bank B at " + bankB[i] + " cm");
            }
        }
        boundaries = boundaries.clone();
        bankA = bankA.clone();
        bankB = bankB.clone();
    }

    public int pairs() {
        return bankA.length;
    }

    @Override
    public double[] boundaries() {
        return boundaries.clone();
    }

    @Override
    public double[] bankA() {
        return bankA.clone();
    }

    @Override
    public double[] bankB() {
        return bankB.clone();
    }

    /** Leaf pair i's opening as {x1, x2, y1, y2} clipped to the jaws, or null when nothing of it is open. */
    double[] opening(int i, double x1, double x2, double y1, double y2) {
        double a = Math.max(bankA[i], x1);
        double b = Math.min(bankB[i], x2);
        double c = Math.max(boundaries[i], y1);
        double d = Math.min(boundaries[i + 1], y2);
        return a < b && c < d ? new double[] {a, b, c, d} : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mlc m && Arrays.equals(boundaries, m.boundaries) && Arrays.equals(bankA, m.bankA)
                && Arrays.equals(bankB, m.bankB);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(boundaries) + Arrays.hashCode(bankA)) + Arrays.hashCode(bankB);
    }

    @Override
    public String toString() {
        return "Mlc[" + pairs() + " pairs, boundaries " + Arrays.toString(boundaries) + ", A " + Arrays.toString(bankA)
                + ", B " + Arrays.toString(bankB) + "]";
    }
}
