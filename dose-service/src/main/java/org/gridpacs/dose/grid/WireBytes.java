package org.gridpacs.dose.grid;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.Tally;

/**
 * What crosses the grid, as bytes we encode ourselves: the job (Java serialization, deflated: phantoms are mostly
 * runs of equal densities) and partial tallies ({@link Tally#toBytes()}, deflated: sparse, and the high words of
 * the squares are nearly all zero). Fast deflate: on a cluster network the bytes saved outweigh level 9's time.
 */
final class WireBytes {
    private WireBytes() {
    }

    static byte[] job(DoseJob job) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (ObjectOutputStream out = new ObjectOutputStream(new DeflaterOutputStream(bytes, deflater, 1 << 16))) {
            out.writeObject(job);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static DoseJob job(byte[] data) {
        try (ObjectInputStream in = new ObjectInputStream(new java.util.zip.InflaterInputStream(
                new ByteArrayInputStream(data), new Inflater(), 1 << 16))) {
            return (DoseJob) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalArgumentException("unreadable dose job from the grid: " + e, e);
        }
    }

    /** A tally's bytes, deflated, with its raw length in front so that the receiver inflates in one go. */
    static byte[] tally(Tally t) {
        byte[] raw = t.toBytes();
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] out = new byte[raw.length / 2 + 1024];
            int n = 4;
            while (!deflater.finished()) {
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, out.length * 2);
                }
                n += deflater.deflate(out, n, out.length - n);
            }
            out[0] = (byte) (raw.length >>> 24);
            out[1] = (byte) (raw.length >>> 16);
            out[2] = (byte) (raw.length >>> 8);
            out[3] = (byte) raw.length;
            return java.util.Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    /** The {@link Tally#toBytes()} bytes of a deflated tally. */
    static byte[] tallyBytes(byte[] data) {
        int length = ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff);
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, 4, data.length - 4);
            byte[] raw = new byte[length];
            int n = 0;
            while (n < length && !inflater.finished()) {
                int k = inflater.inflate(raw, n, length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != length) {
                throw new IllegalArgumentException("truncated tally from the grid: " + n + " of " + length + " bytes");
            }
            return raw;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt tally from the grid: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
