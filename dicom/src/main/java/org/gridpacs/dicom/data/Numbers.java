package org.gridpacs.dicom.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.regex.Pattern;

/**
 * Decimal String (DS) and Integer String (IS) values (PS3.5 6.2). Each method handles one value; callers
 * split multi-valued strings at backslashes first. Malformed input throws {@link IllegalArgumentException}
 * naming the value.
 */
public final class Numbers {

    /** A DS value is at most this long (PS3.5 Table 6.2-1). */
    public static final int DS_MAX_LENGTH = 16;

    // Stricter than Double.parseDouble, which would also take "NaN", "Infinity", hex and a trailing 'd' or 'f'.
    private static final Pattern DS = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern IS = Pattern.compile("[+-]?\\d+");

    private Numbers() {
    }

    /** Parses a DS value; leading and trailing spaces are padding and ignored. The length is not checked. */
    public static double parseDS(String value) {
        String s = value == null ? "" : value.trim();
        if (!DS.matcher(s).matches()) {
            throw new IllegalArgumentException("Invalid DS value: \"" + value + "\"");
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            throw new IllegalArgumentException("DS value out of double range: \"" + value + "\"");
        }
        return d;
    }

    /**
     * A DS of at most 16 characters that keeps as many significant digits as fit: plain notation when it
     * keeps as many digits as exponent notation (it is easier to read), else exponent notation. Negative zero is written
     * "0". NaN and infinities have no DS form and are rejected.
     */
    public static String formatDS(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("DS cannot represent " + d);
        }
        if (d == 0) {
            return "0";
        }
        // Double.toString gives the shortest decimal that reads back as the same double: our starting precision.
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        for (int digits = exact.precision(); digits > 0; digits--) {
            BigDecimal r = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros();
            String plain = r.toPlainString();
            if (plain.length() <= DS_MAX_LENGTH) {
                return plain;
            }
            String sci = scientific(r);
            if (sci.length() <= DS_MAX_LENGTH) {
                return sci;
            }
        }
        throw new AssertionError("every double fits in 16 characters with one digit: " + d);
    }

    /** "d.dddE±x" without '+' in the exponent and without a trailing ".": "1E-20", "-1.5E300". */
    private static String scientific(BigDecimal r) {
        String digits = r.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - r.scale();
        StringBuilder sb = new StringBuilder(DS_MAX_LENGTH + 8);
        if (r.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        return sb.append('E').append(exponent).toString();
    }

    /** Parses an IS value in the range -2^31..2^31-1; spaces around it are padding and ignored. */
    public static int parseIS(String value) {
        long v = parseISAsLong(value);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("IS value out of range -2^31..2^31-1: \"" + value + "\"");
        }
        return (int) v;
    }

    /**
     * Parses an IS value without the standard's 32-bit range check, for reading values that older writers
     * put out of range; throws only when it does not fit a long.
     */
    public static long parseISAsLong(String value) {
        String s = value == null ? "" : value.trim();
        if (!IS.matcher(s).matches()) {
            throw new IllegalArgumentException("Invalid IS value: \"" + value + "\"");
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("IS value out of range: \"" + value + "\"", e);
        }
    }

    /** Every int fits IS's 12 characters ("-2147483648" is 11). */
    public static String formatIS(int value) {
        return Integer.toString(value);
    }

    /** Formats a long, rejecting values outside the IS range -2^31..2^31-1. */
    public static String formatIS(long value) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("IS cannot represent " + value + ": outside -2^31..2^31-1");
        }
        return Long.toString(value);
    }
}
