package org.gridpacs.dose.physics;

/**
 * Natural logarithm for the inner loop, as accurate as {@link Math#log} for our purposes (difference from Math.log
 * below 4e-16 x max(1, |ln x|), about 1.5 ulp, checked in FastLogTest) but inlined by the JIT instead of a call into a
 * stub routine that spills the caller's floating-point registers. The transport takes about 70 logarithms per
 * 6 MV history (table positions ln(E), the inverse range table, exponential path lengths).
 *
 * <p>Method (the table-driven scheme of standard libm implementations): x = 2^k m, m in [1, 2); c_j is 1/m_j rounded
 * to double for the centre m_j of the j-th of 1024 sub-intervals selected by the top 10 bits of the mantissa;
 * t = m c_j - 1 (one fused multiply-add, |t| &lt;= 2^-11 approximately) and ln x = k ln 2 - ln c_j + ln(1 + t),
 * ln(1 + t) by its Taylor series to t^5 (truncation error below 2^-65 / 6). ln 2 is split in two so that k ln 2 is exact in its high part.
 * Zero, negative, subnormal, infinite and NaN arguments go to Math.log.
 */
public final class FastLog {
    private static final int BITS = 10;
    /** Per sub-interval: c_j, then -ln(c_j). */
    private static final double[] TABLE = new double[2 << BITS];
    private static final double LN2_HI = Double.longBitsToDouble(Double.doubleToRawLongBits(Math.log(2)) & 0xFFFFFFFFF0000000L);
    private static final double LN2_LO = Math.log(2) - LN2_HI;

    static {
        for (int j = 0; j < (1 << BITS); j++) {
            double mid = 1 + (j + 0.5) / (1 << BITS);
            double c = 1 / mid;
            TABLE[2 * j] = c;
            TABLE[2 * j + 1] = -Math.log(c);
        }
    }

    private FastLog() {
    }

    /** ln x. */
    public static double ln(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long field = bits >>> 52; // sign and exponent
        if (Long.compareUnsigned(field - 1, 0x7FE) >= 0) { // zero, subnormal, negative, infinite or NaN
            return Math.log(x);
        }
        int k = (int) field - 1023;
        int j = 2 * ((int) (bits >>> (52 - BITS)) & ((1 << BITS) - 1));
        double m = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        double t = Math.fma(m, TABLE[j], -1.0);
        double t2 = t * t;
        // ln(1+t) = t - t^2/2 + t^3/3 - t^4/4 + t^5/5
        double p = Math.fma(t, 1.0 / 3, -0.5) + t2 * Math.fma(t, 0.2, -0.25);
        double hi = Math.fma(k, LN2_HI, TABLE[j + 1]);
        return hi + Math.fma(t2, p, Math.fma(k, LN2_LO, t));
    }
}
