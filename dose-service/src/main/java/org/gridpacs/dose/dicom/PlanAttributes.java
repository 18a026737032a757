package org.gridpacs.dose.dicom;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.ElementDictionary;
import org.gridpacs.dicom.data.Sequence;

/**
 * Reads RT Plan attributes for {@link RtPlanReader}, turning absent, empty or malformed values into a
 * {@link DoseInputException} that names the attribute and where it is ("beam 2 'LAO', control point 3").
 */
final class PlanAttributes {
    /** Angles this close to 0 or 360 degrees are 0 (planning systems write 7e-10 for 0). */
    static final double ANGLE_TOLERANCE = 1e-6;

    private PlanAttributes() {
    }

    /** "Beam Meterset (300A,0086)". */
    static String name(int tag) {
        return ElementDictionary.nameOf(tag) + " " + ElementDictionary.toString(tag);
    }

    static String prefix(String where) {
        return where == null || where.isEmpty() ? "" : where + ": ";
    }

    /** The values of a numeric (DS, IS or binary) attribute; empty when absent or empty. */
    static double[] numbers(DataSet ds, int tag, String where) throws DoseInputException {
        try {
            double[] v = ds.getDoubles(tag);
            for (double d : v) {
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException("not finite");
                }
            }
            return v;
        } catch (RuntimeException e) {
            throw new DoseInputException(prefix(where) + name(tag) + " is not a number: '" + ds.getString(tag) + "'");
        }
    }

    /** The first value, or {@code NaN} when absent or empty. */
    static double optional(DataSet ds, int tag, String where) throws DoseInputException {
        double[] v = numbers(ds, tag, where);
        return v.length == 0 ? Double.NaN : v[0];
    }

    static double required(DataSet ds, int tag, String where) throws DoseInputException {
        return required(ds, tag, 1, where)[0];
    }

    /** Exactly {@code count} values, else an exception naming the attribute. */
    static double[] required(DataSet ds, int tag, int count, String where) throws DoseInputException {
        double[] v = numbers(ds, tag, where);
        if (v.length == 0) {
            throw new DoseInputException(prefix(where) + name(tag) + " is missing or empty");
        }
        if (v.length != count) {
            throw new DoseInputException(prefix(where) + name(tag) + " has " + v.length + " values, "
                    + count + " expected");
        }
        return v;
    }

    static int integer(DataSet ds, int tag, int absent, String where) throws DoseInputException {
        double v = optional(ds, tag, where);
        if (Double.isNaN(v)) {
            return absent;
        }
        if (v != Math.rint(v)) {
            throw new DoseInputException(prefix(where) + name(tag) + " is not an integer: " + v);
        }
        return (int) v;
    }

    /** A code string, upper case and trimmed, or "" when absent or empty. */
    static String code(DataSet ds, int tag) {
        String s = ds.getString(tag);
        return s == null ? "" : s.trim().toUpperCase(java.util.Locale.ROOT);
    }

    /** The items of a sequence; an empty sequence when absent. @throws DoseInputException if not a sequence */
    static Sequence items(DataSet ds, int tag, String where) throws DoseInputException {
        if (!ds.contains(tag)) {
            return null;
        }
        Object v = ds.getValue(tag);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Sequence s)) {
            throw new DoseInputException(prefix(where) + name(tag) + " is not a sequence");
        }
        return s;
    }

    /** A non-empty sequence, else an exception naming it. */
    static Sequence requiredItems(DataSet ds, int tag, String where) throws DoseInputException {
        Sequence s = items(ds, tag, where);
        if (s == null || s.isEmpty()) {
            throw new DoseInputException(prefix(where) + name(tag) + " is missing or empty");
        }
        return s;
    }

    /** An angle in [0, 360) degrees; within {@link #ANGLE_TOLERANCE} of 0 or 360 it is 0. */
    static double angle(double degrees) {
        double a = degrees % 360;
        if (a < 0) {
            a += 360;
        }
        return a < ANGLE_TOLERANCE || 360 - a < ANGLE_TOLERANCE ? 0 : a;
    }

    /** A number as a person writes it: 6 not 6.0, 18 not 18.000000001. */
    static String plain(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
