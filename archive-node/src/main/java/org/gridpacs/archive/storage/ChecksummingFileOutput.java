package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The stream a {@link Storage.ContentWriter} writes a new file through: one large buffer in front of the
 * channel, and the size and CRC-32C counted on the way (CRC32C on arrays is a JIT intrinsic, so this costs
 * little at C-STORE rates). Bytes reach the file only when the buffer is full and at {@link #finish()}.
 */
final class ChecksummingFileOutput extends OutputStream {
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final CRC32C crc = new CRC32C();
    private long size;

    ChecksummingFileOutput(FileChannel channel, int bufferSize) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        crc.update(b);
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        crc.update(b, off, len);
        size += len;
        if (len <= buffer.remaining()) {
            buffer.put(b, off, len);
            return;
        }
        drain();
        if (len < buffer.capacity()) {
            buffer.put(b, off, len);
            return;
        }
        // large writes go straight to the channel, in buffer-sized slices: the JDK copies a heap array into a
        // temporary direct buffer it keeps per thread, and one slice of a huge array would stay there for good
        for (int at = off, end = off + len; at < end; at += buffer.capacity()) {
            writeFully(ByteBuffer.wrap(b, at, Math.min(buffer.capacity(), end - at)));
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

    CRC32C crc() {
        return crc;
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
