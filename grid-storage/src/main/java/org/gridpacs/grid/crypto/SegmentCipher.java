package org.gridpacs.grid.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The layout of an encrypted object: its plaintext cut into segments of {@code segmentSize} bytes, each sealed on
 * its own with AES-256-GCM (so a ranged read decrypts only the segments it covers), then a trailer sealed the same
 * way holding the plaintext's size and CRC-32C (checked by whole reads). Nonce: the object's random 8-byte prefix
 * and the 4-byte segment index. Associated data: the segment index and whether it is the last segment (or the
 * trailer), so segments moved, swapped, dropped or cut off at a segment boundary fail their tag.
 *
 * <p>The last segment holds 1 to {@code segmentSize} bytes (0 only for an empty object, then the only segment),
 * so the ciphertext length alone tells the plaintext size and which segment is last: no size needs to be known
 * before a streamed upload starts.
 */
public final class SegmentCipher {
    public static final int TAG = 16;
    public static final int NONCE_PREFIX = 8;
    /** Plaintext of the trailer: size (8 bytes) and CRC-32C (4 bytes). */
    static final int TRAILER_PLAIN = 12;
    public static final int TRAILER = TRAILER_PLAIN + TAG;
    private static final byte MIDDLE = 0;
    private static final byte LAST = 1;
    private static final byte TRAILER_KIND = 2;

    private final SecretKey key;
    private final byte[] prefix;
    private final int segmentSize;
    private final String object;
    private final Cipher cipher;

    public SegmentCipher(SecretKey dataKey, Envelope envelope, String object) throws IOException {
        this.key = dataKey;
        this.prefix = envelope.noncePrefix();
        this.segmentSize = envelope.segmentSize();
        this.object = object;
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IOException("no AES-GCM here: " + e, e);
        }
    }

    public int segmentSize() {
        return segmentSize;
    }

    /** Bytes of one full sealed segment. */
    public static long sealedSegment(int segmentSize) {
        return (long) segmentSize + TAG;
    }

    /**
     * The plaintext size of an object of {@code ciphertextLength} bytes; a length no object of this layout has is an
     * IOException (a truncated or padded object).
     */
    public static long plaintextSize(long ciphertextLength, int segmentSize, String object) throws IOException {
        long body = ciphertextLength - TRAILER;
        long sealed = sealedSegment(segmentSize);
        long full = body / sealed;
        long rem = body % sealed;
        if (body < TAG || (rem != 0 && rem < TAG)) {
            throw new IOException(object + " has " + ciphertextLength + " bytes, which no encrypted object has:"
                    + " it was truncated or extended");
        }
        return rem == 0 ? full * segmentSize : full * segmentSize + rem - TAG;
    }

    /** The number of segments of a plaintext of {@code size} bytes (one for an empty object). */
    public static long segmentCount(long size, int segmentSize) {
        return size == 0 ? 1 : (size + segmentSize - 1) / segmentSize;
    }

    /** Seals segment {@code index}: {@code out} gets len + TAG bytes; returns that count. */
    int seal(long index, boolean last, byte[] in, int off, int len, byte[] out) throws IOException {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index));
            cipher.updateAAD(aad(index, last ? LAST : MIDDLE));
            return cipher.doFinal(in, off, len, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt segment " + index + " of " + object + ": " + e, e);
        }
    }

    /** Opens segment {@code index} ({@code len} sealed bytes) into {@code out}; returns the plaintext length. */
    int open(long index, boolean last, byte[] in, int len, byte[] out) throws IOException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(index));
            cipher.updateAAD(aad(index, last ? LAST : MIDDLE));
            return cipher.doFinal(in, 0, len, out, 0);
        } catch (AEADBadTagException e) {
            throw new IOException(object + ": segment " + index + " fails its authentication tag (tampered,"
                    + " truncated or damaged ciphertext)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt segment " + index + " of " + object + ": " + e, e);
        }
    }

    byte[] sealTrailer(long segments, long size, int crc) throws IOException {
        byte[] plain = ByteBuffer.allocate(TRAILER_PLAIN).putLong(size).putInt(crc).array();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(segments));
            cipher.updateAAD(aad(segments, TRAILER_KIND));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt the trailer of " + object + ": " + e, e);
        }
    }

    /** The trailer's size and CRC-32C. */
    long[] openTrailer(long segments, byte[] sealed) throws IOException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(segments));
            cipher.updateAAD(aad(segments, TRAILER_KIND));
            ByteBuffer b = ByteBuffer.wrap(cipher.doFinal(sealed));
            return new long[] {b.getLong(), b.getInt() & 0xffffffffL};
        } catch (AEADBadTagException e) {
            throw new IOException(object + ": its trailer fails its authentication tag (tampered or truncated)", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt the trailer of " + object + ": " + e, e);
        }
    }

    private GCMParameterSpec nonce(long index) throws IOException {
        if (index < 0 || index > 0xffffffffL) {
            throw new IOException(object + ": segment index " + index + " out of range");
        }
        byte[] n = new byte[12];
        System.arraycopy(prefix, 0, n, 0, NONCE_PREFIX);
        ByteBuffer.wrap(n, NONCE_PREFIX, 4).putInt((int) index);
        return new GCMParameterSpec(TAG * 8, n);
    }

    private static byte[] aad(long index, byte kind) {
        return ByteBuffer.allocate(9).putLong(index).put(kind).array();
    }
}
