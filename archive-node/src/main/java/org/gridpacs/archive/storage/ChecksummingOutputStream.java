package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Counts the size and CRC-32C of what passes through to the storage's own stream, as it passes (CRC32C on arrays
 * is a JIT intrinsic, so this costs little at C-STORE rates). No buffer of its own: the storage's stream buffers,
 * so one write here is one write there.
 */
final class ChecksummingOutputStream extends OutputStream {
    private final OutputStream out;
    private final CRC32C crc = new CRC32C();
    private long size;

    ChecksummingOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        crc.update(b);
        size++;
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        crc.update(b, off, len);
        size += len;
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    /** Closes nothing: the storage's stream is the storage's to finish. */
    @Override
    public void close() {
    }

    long size() {
        return size;
    }

    /** "crc32c:" and 8 hex digits, as location rows spell it. */
    String checksum() {
        return Checksums.format(crc);
    }
}
