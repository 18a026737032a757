package org.gridpacs.dose.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class TallyTest {
    private static final int VOXELS = 50;

    /** A batch's energy per voxel: mostly empty, some small, a few large deposits (MeV). */
    private static double[] batch(Random r) {
        double[] e = new double[VOXELS];
        for (int i = 0; i < VOXELS; i++) {
            double u = r.nextDouble();
            e[i] = u < 0.4 ? 0 : u < 0.9 ? r.nextDouble() * 2 : r.nextDouble() * 40;
        }
        return e;
    }

    private static Tally single(double[] edep, int histories) {
        Tally t = new Tally(VOXELS);
        t.addBatch(histories, edep.clone(), 3.5 * histories, 1.25 * histories);
        return t;
    }

    private static BigInteger square128(Tally t, int i) {
        return BigInteger.valueOf(t.sqHi[i]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(t.sqLo[i])));
    }

    @Test
    void mergeGivesTheSameBytesInAnyOrderAndGrouping() {
        Random r = new Random(11);
        List<Tally> parts = new ArrayList<>();
        Tally sequential = new Tally(VOXELS);
        for (int b = 0; b < 12; b++) {
            double[] e = batch(r);
            parts.add(single(e, 1000 + b));
            sequential.addBatch(1000 + b, e.clone(), 3.5 * (1000 + b), 1.25 * (1000 + b));
        }
        byte[] expected = sequential.toBytes();
        for (int trial = 0; trial < 20; trial++) {
            List<Tally> order = new ArrayList<>();
            for (Tally p : parts) {
                order.add(Tally.fromBytes(p.toBytes())); // merge mutates: fresh copies each trial
            }
            Collections.shuffle(order, new Random(trial));
            // a random tree: merge random neighbours until one is left (as partial results from machines would)
            Random g = new Random(100 + trial);
            while (order.size() > 1) {
                int i = g.nextInt(order.size() - 1);
                Tally merged = order.get(i).merge(order.remove(i + 1));
                order.set(i, merged);
            }
            assertArrayEquals(expected, order.get(0).toBytes(), "trial " + trial);
            assertEquals(sequential, order.get(0));
        }
        assertEquals(12, sequential.batches());
        assertEquals(12 * 1000 + 66, sequential.histories());
        // merging the compact encodings of the parts (the grid's reduce) gives the same bytes
        Tally fromWire = new Tally(VOXELS);
        for (Tally p : parts) {
            fromWire.mergeCompactBytes(p.toCompactBytes());
        }
        assertArrayEquals(expected, fromWire.toBytes());
    }

    @Test
    void compactBytesCarryLikeMergeAndRefuseForeignBytes() {
        double[] e = new double[VOXELS];
        e[3] = 40; // squares overflow the low word: the carry must reach the high word
        e[VOXELS - 1] = 1e-8 * 5;
        Tally merged = single(e, 1).merge(single(e, 1)).merge(single(e, 1));
        Tally wire = single(e, 1);
        wire.mergeCompactBytes(single(e, 1).toCompactBytes()).mergeCompactBytes(single(e, 1).toCompactBytes());
        assertArrayEquals(merged.toBytes(), wire.toBytes());
        // a tally of several batches per voxel (squares not the square of the sum) round-trips too
        Tally twice = new Tally(VOXELS).mergeCompactBytes(merged.toCompactBytes());
        assertArrayEquals(merged.toBytes(), twice.toBytes());
        assertTrue(merged.toCompactBytes().length < merged.toBytes().length);
        assertThrows(IllegalArgumentException.class, () -> new Tally(VOXELS + 1).mergeCompactBytes(merged.toCompactBytes()));
        byte[] cut = java.util.Arrays.copyOf(merged.toCompactBytes(), merged.toCompactBytes().length - 3);
        assertThrows(IllegalArgumentException.class, () -> new Tally(VOXELS).mergeCompactBytes(cut));
        assertThrows(IllegalArgumentException.class, () -> new Tally(VOXELS).mergeCompactBytes(merged.toBytes()));
    }

    @Test
    void sumsAndSquaresAreExactIntegersAcrossThe64BitCarry() {
        // 40 MeV in one voxel is 4e9 quanta, its square 1.6e19: two of them overflow an unsigned 64-bit word
        double[] e = new double[VOXELS];
        e[3] = 40;
        e[4] = 1e-8 * 7;
        Tally a = single(e, 1);
        Tally b = single(e, 1);
        Tally c = single(e, 1);
        a.merge(b).merge(c);
        BigInteger q = BigInteger.valueOf(4_000_000_000L);
        assertEquals(q.multiply(q).multiply(BigInteger.valueOf(3)), square128(a, 3));
        assertEquals(12_000_000_000L, a.sum(3));
        assertEquals(BigInteger.valueOf(3 * 49), square128(a, 4));
        assertEquals(21, a.sum(4));
        assertEquals(0, a.sum(0));
        // the same three batches added one by one carry the same way
        Tally d = new Tally(VOXELS);
        for (int k = 0; k < 3; k++) {
            d.addBatch(1, e.clone(), 3.5, 1.25);
        }
        assertArrayEquals(d.toBytes(), a.toBytes());
        assertEquals(120 + 3 * 7e-8, a.depositedMeV(), 1e-9);
    }

    @Test
    void addBatchRoundsOnceAndClearsTheBatchArray() {
        double[] e = new double[VOXELS];
        e[0] = 1.23456789049e-3; // rounds to 123457 quanta
        e[1] = 0.4e-8; // rounds to nothing
        Tally t = new Tally(VOXELS);
        t.addBatch(5, e, 10, 2);
        assertEquals(123457, t.sum(0));
        assertEquals(0, t.sum(1));
        assertArrayEquals(new double[VOXELS], e);
        assertEquals(10, t.enteringMeV(), 1e-12);
        assertEquals(2, t.escapedMeV(), 1e-12);
    }

    @Test
    void encodingAndJavaSerializationRoundTrip() throws Exception {
        Random r = new Random(5);
        Tally t = single(batch(r), 77).merge(single(batch(r), 78));
        assertEquals(t, Tally.fromBytes(t.toBytes()));
        assertArrayEquals(t.toBytes(), Tally.fromBytes(t.toBytes()).toBytes());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(t);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(t, in.readObject());
        }
        // only the scored voxels go on the wire
        Tally one = new Tally(4);
        one.addBatch(1, new double[] {0, 0, 1, 0}, 1, 0);
        assertEquals(52 + 28, one.toBytes().length, "header + one voxel");
    }

    @Test
    void refusesTalliesOfAnotherGridAndForeignBytes() {
        assertThrows(IllegalArgumentException.class, () -> new Tally(3).merge(new Tally(4)));
        assertThrows(IllegalArgumentException.class, () -> new Tally(3).addBatch(1, new double[4], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Tally.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        byte[] ok = new Tally(3).toBytes();
        assertThrows(IllegalArgumentException.class, () -> Tally.fromBytes(java.util.Arrays.copyOf(ok, ok.length - 1)));
    }
}
