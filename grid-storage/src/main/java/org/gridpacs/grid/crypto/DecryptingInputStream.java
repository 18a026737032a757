package org.gridpacs.grid.crypto;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Decrypts segments {@code first} .. of an object from {@code in} (positioned at segment {@code first}'s sealed
 * bytes), giving the plaintext from {@code skip} bytes into that segment, {@code length} bytes in all. A whole read
 * ({@code verifyTrailer}) also opens the trailer at the end and compares its size and CRC-32C with the plaintext
 * read. Every failure is an IOException naming the object; nothing unauthenticated is ever returned.
 */
public final class DecryptingInputStream extends InputStream {
    private final InputStream in;
    private final SegmentCipher cipher;
    private final long segments;
    private final long objectSize;
    private final boolean verifyTrailer;
    private final byte[] sealed;
    private final byte[] plain;
    private final CRC32C crc = new CRC32C();
    private final String object;
    private long index;
    private int pos;
    private int limit;
    private long remaining;
    private long skip;
    private long plainRead;

    /**
     * @param objectSize the whole object's plaintext size (from its length)
     * @param length plaintext bytes to give
     */
    public DecryptingInputStream(InputStream in, SegmentCipher cipher, long objectSize, long first, long skip,
                                 long length, boolean verifyTrailer, String object) {
        this.in = in;
        this.cipher = cipher;
        this.objectSize = objectSize;
        this.segments = SegmentCipher.segmentCount(objectSize, cipher.segmentSize());
        this.index = first;
        this.skip = skip;
        this.remaining = length;
        this.verifyTrailer = verifyTrailer;
        this.sealed = new byte[cipher.segmentSize() + SegmentCipher.TAG];
        this.plain = new byte[cipher.segmentSize()];
        this.object = object;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0 && !verifyTrailer) {
            return -1;
        }
        while (pos == limit) {
            if (remaining == 0 && (!verifyTrailer || index > segments)) {
                return -1;
            }
            if (!nextSegment()) {
                return -1;
            }
        }
        int n = (int) Math.min(Math.min(len, limit - pos), remaining);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        remaining -= n;
        return n;
    }

    /** Decrypts the next segment (or at the end of a whole read, checks the trailer); false at the end. */
    private boolean nextSegment() throws IOException {
        if (index == segments) {
            if (verifyTrailer) {
                byte[] t = new byte[SegmentCipher.TRAILER];
                readFully(t, t.length);
                long[] trailer = cipher.openTrailer(segments, t);
                if (trailer[0] != plainRead || trailer[1] != crc.getValue()) {
                    throw new IOException(object + ": plaintext of " + plainRead + " bytes with CRC-32C "
                            + Long.toHexString(crc.getValue()) + " differs from its trailer's " + trailer[0]
                            + " bytes, CRC-32C " + Long.toHexString(trailer[1]));
                }
                if (in.read() >= 0) {
                    throw new IOException(object + " has bytes after its trailer");
                }
            }
            index++;
            return false;
        }
        boolean last = index == segments - 1;
        int want = last ? (int) (objectSize - (segments - 1) * cipher.segmentSize()) + SegmentCipher.TAG
                : sealed.length;
        int n = cipher.open(index, last, sealed, readFully(sealed, want), plain);
        index++;
        crc.update(plain, 0, n);
        plainRead += n;
        pos = (int) Math.min(skip, n);
        skip -= pos;
        limit = n;
        return true;
    }

    private int readFully(byte[] buf, int n) throws IOException {
        int got = in.readNBytes(buf, 0, n);
        if (got < n) {
            throw new EOFException(object + " ended " + (n - got) + " bytes early in segment " + index
                    + " (truncated while read?)");
        }
        return got;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
