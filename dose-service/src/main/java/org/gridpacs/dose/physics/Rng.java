package org.gridpacs.dose.physics;

/**
 * xoroshiro128+ (Blackman and Vigna 2016), seeded through SplitMix64. One generator per batch, seeded from
 * (seed, batch index), so a batch's histories are the same whichever thread runs it.
 */
public final class Rng {
    private long s0;
    private long s1;

    public Rng(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
        s0 = mix(z += 0x9E3779B97F4A7C15L);
        s1 = mix(z + 0x9E3779B97F4A7C15L);
        if ((s0 | s1) == 0) {
            s1 = 1;
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        long a = s0;
        long b = s1;
        long r = a + b;
        b ^= a;
        s0 = Long.rotateLeft(a, 24) ^ b ^ (b << 16);
        s1 = Long.rotateLeft(b, 37);
        return r;
    }

    /** Uniform in [0, 1). */
    public double uniform() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in (0, 1]: safe under a logarithm. */
    public double open() {
        return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
    }
}
