package org.gridpacs.archive.store;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.gridpacs.archive.index.InstanceHeader;

/**
 * The storage sink with a {@link ReplicaTap} beside it: every byte goes to storage first (a storage failure stays
 * the storage's), then to the replica. Until the header is parsed the replica is not known, so the bytes are held,
 * at most {@code limit} of them; past that the instance is not streamed (the replication copies it after the store).
 */
final class TapSink extends FilterOutputStream {
    private final ReplicaTap tap;
    private final StoreRequest request;
    private final int limit;
    /** The bytes before the header was parsed; null once opened or given up. */
    private ByteArrayOutputStream held = new ByteArrayOutputStream(32 * 1024);
    private ReplicaStream replica;

    TapSink(OutputStream storage, ReplicaTap tap, StoreRequest request, int limit) {
        super(storage);
        this.tap = tap;
        this.request = request;
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        if (replica != null) {
            replica.write(b, off, len);
        } else if (held != null) {
            if (held.size() + len > limit) {
                held = null; // too large a header to hold: no streaming for this instance
            } else {
                held.write(b, off, len);
            }
        }
    }

    /** The header is parsed: opens the replica, if the tap wants one, and hands it what was held. */
    void headerParsed(InstanceHeader header) {
        if (held == null) {
            return;
        }
        replica = tap.open(request, header);
        if (replica != null) {
            replica.write(held.toByteArray(), 0, held.size());
        }
        held = null;
    }

    /** Every byte of the object is written: the replica's object is complete. */
    void finish() {
        if (replica != null) {
            replica.close();
        }
    }

    /** The object will not be stored. */
    void abort(String reason) {
        if (replica != null) {
            replica.abort(reason);
        }
    }

    @Override
    public void close() {
        // the storage's stream is the storage's to finish
    }
}
