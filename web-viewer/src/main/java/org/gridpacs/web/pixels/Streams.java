package org.gridpacs.web.pixels;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.gridpacs.dicom.data.LittleEndian;

/** Skipping and copying exact byte counts of a stored object's stream. */
public final class Streams {
    /** The copy buffer: a 512 x 512 16-bit frame in eight reads, little garbage per request. */
    public static final int CHUNK = 64 * 1024;

    private Streams() {
    }

    /** Skips exactly {@code n} bytes: seeks where the stream can (a file), reads where it cannot. */
    public static void skipFully(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s > 0) {
                n -= s;
            } else if (in.read() < 0) {
                throw new EOFException("the stored object ends " + n + " bytes early");
            } else {
                n--;
            }
        }
    }

    /**
     * Copies exactly {@code n} bytes, swapping the byte order of each {@code swapWidth}-byte value (1: none);
     * chunks are a multiple of every width, so no value straddles two.
     */
    public static void copy(InputStream in, OutputStream out, long n, int swapWidth) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
        while (n > 0) {
            int r = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, n));
            if (r <= 0) {
                throw new EOFException("the stored object ends " + n + " bytes early");
            }
            if (swapWidth > 1) {
                LittleEndian.swap(chunk, 0, r - r % swapWidth, swapWidth);
            }
            out.write(chunk, 0, r);
            n -= r;
        }
    }

    public static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new EOFException("the stored object ends " + (n - b.length) + " bytes early");
        }
        return b;
    }
}
