package org.gridpacs.archive.store;

import java.io.OutputStream;

/**
 * Where a {@link ReplicaTap} sends a stored object's bytes. Its writes must neither fail nor hold the storing
 * thread for long: a replica that cannot keep up or fails gives up on its own (and its owner makes the copy some
 * other way); the local store goes on regardless. {@link #close()} says every byte of the object has been written
 * (the local object is complete); {@link #abort(String)} says the object will not be stored (bad data, the sender
 * went away), so nothing of it may be kept where the bytes went.
 */
public abstract class ReplicaStream extends OutputStream {

    @Override
    public abstract void write(byte[] b, int off, int len);

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Nothing to flush: the replica hands its bytes on at its own pace. */
    @Override
    public void flush() {
    }

    /** The object is complete: every byte of it has been written. */
    @Override
    public abstract void close();

    /** The object will not be stored: whatever received the bytes must keep nothing of them. */
    public abstract void abort(String reason);
}
