package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The body of a WADO answer: held in memory while it is small (a frame, as a viewer asks for one per request) and
 * then sent in one write with its Content-Length, the request's thread not waiting for the socket; past
 * {@link #IN_MEMORY} it is streamed (chunked) through a blocking stream onto the response in {@link #CHUNK} pieces,
 * so memory stays bounded whatever the size of the answer.
 */
final class ResponseBody extends OutputStream {
    /**
     * Answers up to this size go in one write: a 512 x 512 16-bit frame with its part header. Larger buffers would
     * be "humongous" objects for G1 with small heap regions, costly to allocate.
     */
    static final int IN_MEMORY = 1024 * 1024 + 4096;
    /** The write size once streaming. */
    static final int CHUNK = 256 * 1024;

    private final Response response;
    private byte[] buffer;
    private int count;
    private OutputStream sink;
    private boolean closed;

    /** @param expected the size the body is likely to have (the buffer's first size), 0 when unknown */
    ResponseBody(Response response, long expected) {
        this.response = response;
        this.buffer = new byte[(int) Math.max(8 * 1024, Math.min(IN_MEMORY, expected))];
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("the answer is complete");
        }
        if (sink == null) {
            if (count + len <= IN_MEMORY) {
                if (count + len > buffer.length) {
                    byte[] larger = new byte[(int) Math.min(IN_MEMORY, Math.max(count + len, 2L * buffer.length))];
                    System.arraycopy(buffer, 0, larger, 0, count);
                    buffer = larger;
                }
                System.arraycopy(b, off, buffer, count, len);
                count += len;
                return;
            }
            // too large to hold: from here on streamed
            sink = Content.Sink.asOutputStream(response);
            drain();
            if (buffer.length > CHUNK) {
                buffer = new byte[CHUNK];
            }
        }
        if (len >= buffer.length) {
            drain();
            sink.write(b, off, len);
        } else {
            if (count + len > buffer.length) {
                drain();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }
    }

    /** Held in memory, nothing to flush; streamed, what is buffered goes out. */
    @Override
    public void flush() throws IOException {
        if (sink != null) {
            drain();
            sink.flush();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            sink.write(buffer, 0, count);
            count = 0;
        }
    }

    /** Sends what is left and completes the exchange through {@code callback}. */
    void complete(Callback callback) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (sink == null) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, count);
            response.write(true, ByteBuffer.wrap(buffer, 0, count), callback);
            return;
        }
        drain();
        sink.close();
        callback.succeeded();
    }

    /** Closing without {@link #complete} would end the answer as if it were whole: only complete ends it. */
    @Override
    public void close() {
    }
}
