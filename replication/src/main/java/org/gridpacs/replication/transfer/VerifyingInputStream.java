package org.gridpacs.replication.transfer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

import org.gridpacs.archive.storage.Checksums;

/**
 * Passes a copy through while computing its CRC-32C and counting its bytes; at the end of the stream, a size or
 * checksum other than the expected one is an IOException, so a reader never takes a corrupt or cut copy for
 * a whole one.
 */
final class VerifyingInputStream extends FilterInputStream {
    private final CRC32C crc = new CRC32C();
    private final String expectedChecksum;
    private final long expectedSize;
    private final String what;
    private long count;
    private boolean verified;

    /** {@code expectedChecksum} null: the size alone is checked. */
    VerifyingInputStream(InputStream in, String expectedChecksum, long expectedSize, String what) {
        super(in);
        this.expectedChecksum = expectedChecksum;
        this.expectedSize = expectedSize;
        this.what = what;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b < 0) {
            verify();
        } else {
            crc.update(b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            verify();
        } else {
            crc.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        verified = true;
        if (count != expectedSize) {
            throw new IOException(what + ": " + count + " bytes arrived, " + expectedSize + " expected");
        }
        String actual = Checksums.format(crc);
        if (expectedChecksum != null && !expectedChecksum.equals(actual)) {
            throw new IOException(what + ": checksum " + actual + ", " + expectedChecksum + " expected");
        }
    }
}
