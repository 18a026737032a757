package org.gridpacs.grid.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Encrypts what is written into segments ({@link SegmentCipher}) onto {@code out}, holding one plaintext segment
 * and its sealed copy. A full segment is sealed only when more bytes come, so that {@link #finish()} knows which
 * segment is the last. {@link #close()} does not finish: the storage decides whether the object is complete.
 */
public final class EncryptingOutputStream extends OutputStream {
    private final OutputStream out;
    private final SegmentCipher cipher;
    private final byte[] plain;
    private final byte[] sealed;
    private final CRC32C crc = new CRC32C();
    private int filled;
    private long index;
    private long size;
    private boolean finished;

    public EncryptingOutputStream(OutputStream out, SegmentCipher cipher) {
        this.out = out;
        this.cipher = cipher;
        this.plain = new byte[cipher.segmentSize()];
        this.sealed = new byte[cipher.segmentSize() + SegmentCipher.TAG];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (finished) {
            throw new IOException("written to after the object was finished");
        }
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            if (filled == plain.length) {
                sealSegment(false);
            }
            int n = Math.min(len, plain.length - filled);
            System.arraycopy(b, off, plain, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void sealSegment(boolean last) throws IOException {
        int n = cipher.seal(index++, last, plain, 0, filled, sealed);
        out.write(sealed, 0, n);
        filled = 0;
    }

    /** Seals the last segment and the trailer; the object is then complete on {@code out} (not closed). */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        sealSegment(true);
        out.write(cipher.sealTrailer(index, size, (int) crc.getValue()));
    }

    /** Plaintext bytes written. */
    public long size() {
        return size;
    }

    @Override
    public void flush() {
        // segments go out whole; a writer's flush (the contract asks it to flush its wrappers) changes nothing
    }

    @Override
    public void close() {
        // the storage's to finish or abandon
    }
}
