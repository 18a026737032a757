package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * The stream a {@link Storage.ContentWriter} writes a new file through: one large buffer in front of the
 * channel, and the size counted on the way (the checksum is not this storage's business: {@link
 * ChecksummingStorage} computes it above every storage). Bytes reach the file only when the buffer is full and
 * at {@link #finish()}.
 *
 * <p>The buffer is the caller's, lent for one file: a direct one that the caller reuses from file to file, so
 * that a store neither allocates (and zeroes) a new buffer per file nor has the JDK copy a heap buffer into a
 * temporary direct one on every write.
 */
final class BufferedChannelOutput extends OutputStream {
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private long size;

    /** Writes through {@code buffer}, which is cleared first and must not be used elsewhere until this is done. */
    BufferedChannelOutput(FileChannel channel, ByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer.clear();
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        size += len;
        // through the (direct) buffer whatever the size: a heap array handed to the channel would be copied into a
        // temporary direct buffer by the JDK first, and a slice of a huge array would stay there for good
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** Does nothing: a writer flushing its own buffers often must not turn each flush into a system call. */
    @Override
    public void flush() {
    }

    /** Does nothing: the storage finishes, forces and closes the file itself. */
    @Override
    public void close() {
    }

    /** Writes what is buffered. */
    void finish() throws IOException {
        drain();
    }

    long size() {
        return size;
    }

    private void drain() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
