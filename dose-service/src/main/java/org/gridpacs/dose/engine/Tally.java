package org.gridpacs.dose.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The exact score of a set of batches: per voxel the sum of each batch's energy and the sum of its square, both in
 * fixed-point integers ({@link #QUANTUM} MeV), plus the batch and history counts and the run's energy bookkeeping.
 *
 * <p>Why integers: each batch's energy per voxel is rounded once, to q = round(E / QUANTUM); after that everything is
 * integer addition (64-bit sums, 128-bit sums of squares as hi/lo words), which is associative and commutative even
 * when it wraps. So tallies of disjoint batch sets can be {@link #merge merged} in any order, on any machine, and give
 * the same bytes: the dose does not depend on threads, workers or the order in which batches finish.
 *
 * <p>Not thread-safe: {@link BatchRunner} locks a shared tally while it adds a batch.
 */
public final class Tally implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Fixed-point unit of energy, MeV. */
    public static final double QUANTUM = 1e-8;
    private static final int MAGIC = 0x44544c59; // "DTLY"
    private static final long COMPACT_MAGIC = 0x44544c43; // "DTLC"

    final long[] sum;
    final long[] sqHi;
    final long[] sqLo;
    private long batches;
    private long histories;
    /** Energy entering the phantom, escaping it and deposited in it, in QUANTUM units. */
    private long enteringQ;
    private long escapedQ;
    private long depositedQ;

    /** An empty tally for a phantom of {@code voxels} voxels. */
    public Tally(int voxels) {
        sum = new long[voxels];
        sqHi = new long[voxels];
        sqLo = new long[voxels];
    }

    public int voxels() {
        return sum.length;
    }

    public long batches() {
        return batches;
    }

    public long histories() {
        return histories;
    }

    /** Sum over batches of the quantised energy in voxel i (QUANTUM units). */
    public long sum(int i) {
        return sum[i];
    }

    /** Sum over batches of the squared quantised energy in voxel i, as a double (exact up to 2^53). */
    public double sumOfSquares(int i) {
        return sqHi[i] * 0x1.0p64 + unsigned(sqLo[i]);
    }

    public double enteringMeV() {
        return enteringQ * QUANTUM;
    }

    public double escapedMeV() {
        return escapedQ * QUANTUM;
    }

    public double depositedMeV() {
        return depositedQ * QUANTUM;
    }

    /**
     * Scores one batch: quantises {@code edep} voxel by voxel, adds it and its square, and clears {@code edep} for the
     * next batch (the clearing rides on the same pass over the array, which is the only pass: this is per batch, not
     * per history, but a batch's array is the phantom's size).
     */
    public void addBatch(long batchHistories, double[] edep, double entering, double escaped) {
        if (edep.length != sum.length) {
            throw new IllegalArgumentException("tally of " + sum.length + " voxels, batch of " + edep.length);
        }
        long dep = 0;
        long[] s = sum;
        long[] hi = sqHi;
        long[] lo = sqLo;
        for (int i = 0; i < edep.length; i++) {
            double e = edep[i];
            if (e != 0) {
                long q = Math.round(e / QUANTUM);
                edep[i] = 0;
                s[i] += q;
                dep += q;
                long l = q * q;
                long h = Math.multiplyHigh(q, q);
                long nl = lo[i] + l;
                if (Long.compareUnsigned(nl, l) < 0) {
                    h++;
                }
                lo[i] = nl;
                hi[i] += h;
            }
        }
        batches++;
        histories += batchHistories;
        enteringQ += Math.round(entering / QUANTUM);
        escapedQ += Math.round(escaped / QUANTUM);
        depositedQ += dep;
    }

    /** Adds {@code other} (the tally of other batches) into this one. Exact: the order of merges does not matter. */
    public Tally merge(Tally other) {
        if (other.sum.length != sum.length) {
            throw new IllegalArgumentException("tally of " + sum.length + " voxels, other of " + other.sum.length);
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.sum[i];
            long lo = sqLo[i] + other.sqLo[i];
            // 128-bit addition: carry out of the low word when the unsigned result wrapped
            sqHi[i] += other.sqHi[i] + (Long.compareUnsigned(lo, sqLo[i]) < 0 ? 1 : 0);
            sqLo[i] = lo;
        }
        batches += other.batches;
        histories += other.histories;
        enteringQ += other.enteringQ;
        escapedQ += other.escapedQ;
        depositedQ += other.depositedQ;
        return this;
    }

    /**
     * A compact encoding for the grid, where a share's tally of a large phantom crosses the network every round: a
     * header, then per scored voxel the gap to the previous one, the sum and the square sums as variable-length
     * integers, and no square sums at all where they are the square of the sum (a voxel one batch scored, most of
     * them outside the field). Several times smaller than {@link #toBytes()} and fast enough (no general-purpose
     * compression) to encode and merge in tens of milliseconds for millions of voxels.
     */
    public byte[] toCompactBytes() {
        Varints out = new Varints(64 + sum.length / 4);
        out.putLong(COMPACT_MAGIC);
        out.putLong(sum.length);
        out.putLong(batches);
        out.putLong(histories);
        out.putLong(enteringQ);
        out.putLong(escapedQ);
        out.putLong(depositedQ);
        int previous = -1;
        for (int i = 0; i < sum.length; i++) {
            long s = sum[i];
            long hi = sqHi[i];
            long lo = sqLo[i];
            if ((s | hi | lo) != 0) {
                boolean single = lo == s * s && hi == Math.multiplyHigh(s, s);
                out.putUnsigned(((long) (i - previous - 1) << 1) | (single ? 1 : 0));
                out.putUnsigned((s << 1) ^ (s >> 63)); // zigzag: sums may wrap negative
                if (!single) {
                    out.putUnsigned(hi);
                    out.putUnsigned(lo);
                }
                previous = i;
            }
        }
        return out.toArray();
    }

    /** Adds a tally encoded by {@link #toCompactBytes()} into this one (the grid's reduce, voxel by encoded voxel). */
    public Tally mergeCompactBytes(byte[] data) {
        Varints in = new Varints(data);
        try {
            if (in.getLong() != COMPACT_MAGIC) {
                throw new IllegalArgumentException("not a compact dose tally");
            }
            long voxels = in.getLong();
            if (voxels != sum.length) {
                throw new IllegalArgumentException("tally of " + sum.length + " voxels, other of " + voxels);
            }
            long b = in.getLong();
            long h = in.getLong();
            long en = in.getLong();
            long es = in.getLong();
            long de = in.getLong();
            int i = -1;
            while (in.remaining()) {
                long gapAndFlag = in.getUnsigned();
                long next = i + 1 + (gapAndFlag >>> 1);
                if (next >= sum.length || next < 0) {
                    throw new IllegalArgumentException("bad compact dose tally: voxel " + next + " of " + voxels);
                }
                i = (int) next;
                long z = in.getUnsigned();
                long s = (z >>> 1) ^ -(z & 1);
                long hi;
                long lo;
                if ((gapAndFlag & 1) != 0) {
                    hi = Math.multiplyHigh(s, s);
                    lo = s * s;
                } else {
                    hi = in.getUnsigned();
                    lo = in.getUnsigned();
                }
                sum[i] += s;
                long nl = sqLo[i] + lo;
                sqHi[i] += hi + (Long.compareUnsigned(nl, sqLo[i]) < 0 ? 1 : 0);
                sqLo[i] = nl;
            }
            batches += b;
            histories += h;
            enteringQ += en;
            escapedQ += es;
            depositedQ += de;
            return this;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("truncated compact dose tally", e);
        }
    }

    /** Unsigned LEB128 variable-length integers in a byte array. */
    private static final class Varints {
        private byte[] buf;
        private int pos;
        private final int end;

        Varints(int capacity) {
            buf = new byte[Math.max(64, capacity)];
            end = -1;
        }

        Varints(byte[] data) {
            buf = data;
            end = data.length;
        }

        void putLong(long v) {
            putUnsigned((v << 1) ^ (v >> 63));
        }

        void putUnsigned(long v) {
            if (pos + 10 > buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        long getLong() {
            long z = getUnsigned();
            return (z >>> 1) ^ -(z & 1);
        }

        long getUnsigned() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new ArrayIndexOutOfBoundsException("end of data");
                }
                byte b = buf[pos++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("bad compact dose tally: a number longer than 64 bits");
        }

        boolean remaining() {
            return pos < end;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /**
     * Explicit encoding for the wire (the grid): a header, then only the voxels with a non-zero score (index, sum, hi,
     * lo), since most of a phantom outside the fields gets nothing. Two equal tallies encode to the same bytes.
     */
    public byte[] toBytes() {
        int nonZero = 0;
        for (int i = 0; i < sum.length; i++) {
            if ((sum[i] | sqHi[i] | sqLo[i]) != 0) {
                nonZero++;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(52 + 28 * nonZero);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(sum.length);
            out.writeLong(batches);
            out.writeLong(histories);
            out.writeLong(enteringQ);
            out.writeLong(escapedQ);
            out.writeLong(depositedQ);
            out.writeInt(nonZero);
            for (int i = 0; i < sum.length; i++) {
                if ((sum[i] | sqHi[i] | sqLo[i]) != 0) {
                    out.writeInt(i);
                    out.writeLong(sum[i]);
                    out.writeLong(sqHi[i]);
                    out.writeLong(sqLo[i]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The tally encoded by {@link #toBytes()}. */
    public static Tally fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a dose tally");
            }
            int voxels = in.readInt();
            if (voxels < 0) {
                throw new IllegalArgumentException("bad dose tally: " + voxels + " voxels");
            }
            Tally t = new Tally(voxels);
            t.batches = in.readLong();
            t.histories = in.readLong();
            t.enteringQ = in.readLong();
            t.escapedQ = in.readLong();
            t.depositedQ = in.readLong();
            int nonZero = in.readInt();
            for (int k = 0; k < nonZero; k++) {
                int i = in.readInt();
                if (i < 0 || i >= voxels) {
                    throw new IllegalArgumentException("bad dose tally: voxel " + i + " of " + voxels);
                }
                t.sum[i] = in.readLong();
                t.sqHi[i] = in.readLong();
                t.sqLo[i] = in.readLong();
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after a dose tally");
            }
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated dose tally", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tally t && batches == t.batches && histories == t.histories && enteringQ == t.enteringQ
                && escapedQ == t.escapedQ && depositedQ == t.depositedQ && Arrays.equals(sum, t.sum)
                && Arrays.equals(sqHi, t.sqHi) && Arrays.equals(sqLo, t.sqLo);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(histories) * 31 + Arrays.hashCode(sum);
    }

    @Override
    public String toString() {
        return "Tally[" + sum.length + " voxels, " + batches + " batches, " + histories + " histories]";
    }

    private static double unsigned(long v) {
        double d = (double) (v >>> 1) * 2.0;
        return d + (v & 1);
    }
}
