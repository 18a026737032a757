package org.gridpacs.replication.transfer;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.store.ReplicaStream;
import org.gridpacs.replication.config.ClusterNode;

/**
 * A copy of one instance streamed to a peer while it is stored here ({@code PUT /peer/instances/streamed}): the
 * storing thread writes each piece of the object straight onto the peer's connection, as a chunk of the request
 * body, so the peer receives the object as fast as this node does and both copies become durable together.
 *
 * <p>As a {@link ReplicaStream} it never fails the local store: a write that fails ends the copy (the copy is then
 * made after the store), and a peer that stops taking data holds the storing thread for at most {@code stallMillis}
 * in all before a watch cuts the connection. Cutting the connection before the last chunk is also how {@link
 * #abort} makes the peer keep nothing: its store sees the body end early.
 */
public final class StreamedCopy extends ReplicaStream {
    /** Cuts off copies whose writes block for too long (a peer that stopped reading). */
    private static final ScheduledExecutorService WATCH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamed-copy-watch");
        t.setDaemon(true);
        return t;
    });
    private static final Set<StreamedCopy> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        WATCH.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            WATCHED.forEach(c -> c.checkStall(now));
        }, 50, 50, TimeUnit.MILLISECONDS);
    }

    private final ClusterNode peer;
    private final PeerConnection connection;
    private final PeerConnections pool;
    private final long stallNanos;
    /** When the write in progress began (0: none), for the watch. */
    private volatile long writingSince;
    private long stalled;
    /** Why the copy will not reach the peer, or null. */
    private volatile String failed;
    private boolean ended;

    StreamedCopy(ClusterNode peer, PeerConnection connection, PeerConnections pool, long stallMillis) {
        this.peer = peer;
        this.connection = connection;
        this.pool = pool;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        WATCHED.add(this);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (failed != null || ended) {
            return;
        }
        long start = System.nanoTime();
        writingSince = start;
        try {
            connection.writeChunk(b, off, len);
        } catch (IOException e) {
            fail(failed != null ? failed : "sending to node " + peer.name() + " failed: " + e.getMessage());
        } finally {
            writingSince = 0;
            stalled += System.nanoTime() - start;
        }
    }

    /** The object is complete: the last chunk goes out; the peer answers once its copy is durable. */
    @Override
    public void close() {
        if (failed != null || ended) {
            return;
        }
        writingSince = System.nanoTime();
        try {
            connection.endBody();
            ended = true;
        } catch (IOException e) {
            fail(failed != null ? failed : "sending to node " + peer.name() + " failed: " + e.getMessage());
        } finally {
            writingSince = 0;
            WATCHED.remove(this);
        }
    }

    /**
     * The object will not be stored here: the body is cut off, so the peer keeps nothing. A copy whose body was
     * already complete is left to its answer (and taken back by its owner).
     */
    @Override
    public void abort(String reason) {
        if (!ended) {
            fail(reason);
        }
    }

    private void fail(String reason) {
        if (failed == null) {
            failed = reason;
        }
        WATCHED.remove(this);
        connection.close();
    }

    private void checkStall(long now) {
        long since = writingSince;
        if (since != 0 && stalled + (now - since) > stallNanos) {
            fail("node " + peer.name() + " did not take the data in " + stallNanos / 1_000_000 + " ms");
        }
    }

    /**
     * Waits at most {@code millis} for the peer's answer to the complete object: its copy (key, size, checksum) once
     * durable there, else an IOException saying why there is none.
     */
    public PeerClient.PeerCopy answer(long millis) throws IOException {
        if (!ended) {
            fail("the copy to node " + peer.name() + " was not completed");
            throw new IOException(failed);
        }
        PeerConnection.Answer a;
        try {
            a = connection.readAnswer(millis);
        } catch (java.net.SocketTimeoutException e) {
            connection.close();
            throw new IOException("node " + peer.name() + " did not answer the streamed copy in " + millis + " ms");
        } catch (IOException e) {
            connection.close();
            throw new IOException("node " + peer.name() + ": " + e.getMessage(), e);
        }
        pool.release(connection);
        if (a.status() != 201 && a.status() != 200) {
            throw PeerClient.failure(peer, "refused the streamed copy", a.status(), a.body());
        }
        String key = a.header(PeerClient.KEY);
        if (key == null) {
            throw new IOException(peer.name() + " sent no copy key");
        }
        String size = a.header(PeerClient.SIZE);
        return new PeerClient.PeerCopy(key, size == null ? -1 : Long.parseLong(size), a.header(PeerClient.CHECKSUM));
    }
}
