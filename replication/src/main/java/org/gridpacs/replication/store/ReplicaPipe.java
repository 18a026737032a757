package org.gridpacs.replication.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.store.ReplicaStream;

/**
 * The bounded hand-off between the storing thread, which writes an object's bytes as they arrive, and the thread
 * that sends them to a peer as an HTTP body ({@link #publisher}). Bytes travel in chunks; at most {@code
 * capacity} chunks wait, so memory stays bounded whatever the object's size. The storing thread never fails here
 * and waits at most {@code stallMillis} in all for a slow peer: then the pipe gives up (the body is aborted, the
 * peer keeps nothing) and the copy is made after the store instead. Once the sending side has finished (the peer
 * answered or failed), writes are dropped.
 */
final class ReplicaPipe extends ReplicaStream {
    static final int CHUNK = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks;
    private final long stallNanos;
    private byte[] filling = new byte[CHUNK];
    private int filled;
    private long stalled;
    /** Why the object will not reach the peer, or null. */
    private volatile String aborted;
    private volatile boolean readerGone;

    ReplicaPipe(int capacity, long stallMillis) {
        this.chunks = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for END or the abort mark
        this.stallNanos = stallMillis * 1_000_000;
    }

    /** The sending side is done (the peer answered, or the request failed): nobody reads any more. */
    void readerGone() {
        readerGone = true;
        chunks.clear(); // frees the memory, and a writer waiting for room
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0 && !stopped() && filling != null) {
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, filling, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) {
                hand(filling);
                filling = new byte[CHUNK];
                filled = 0;
            }
        }
    }

    @Override
    public void close() {
        if (stopped()) {
            return;
        }
        if (filled > 0) {
            hand(java.util.Arrays.copyOf(filling, filled));
        }
        filling = null;
        hand(END);
    }

    @Override
    public void abort(String reason) {
        if (aborted == null) {
            aborted = reason;
        }
        filling = null;
        chunks.clear();
        chunks.offer(END); // wakes the reader, which then sees the abort
    }

    private boolean stopped() {
        return aborted != null || readerGone;
    }

    private void hand(byte[] chunk) {
        try {
            long start = System.nanoTime();
            boolean taken = chunks.offer(chunk, Math.max(0, stallNanos - stalled), TimeUnit.NANOSECONDS);
            stalled += System.nanoTime() - start;
            if (!taken && !readerGone) {
                abort("the peer did not take the data in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort("interrupted");
        }
    }

    /**
     * The reading side, as an HTTP request body: one subscriber, fed on {@code executor} (the wait for the next
     * chunk blocks). An aborted object ends the body with an error, so the HTTP client cuts the request off and the
     * peer's store sees its body end early and keeps nothing (a clean end would hand it a shorter object).
     */
    Flow.Publisher<ByteBuffer> publisher(Executor executor) {
        return subscriber -> {
            Pump pump = new Pump(subscriber);
            subscriber.onSubscribe(pump);
            executor.execute(pump);
        };
    }

    private final class Pump implements Flow.Subscription, Runnable {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private long demand;
        private boolean cancelled;

        Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        /** False when the subscriber cancelled or the reading side is gone; an abort is seen by the caller. */
        private synchronized boolean awaitDemand() throws InterruptedException {
            // timed: an abort or the end of the request does not notify this monitor
            while (demand == 0 && !cancelled && !readerGone && aborted == null) {
                wait(500);
            }
            if (cancelled || readerGone) {
                return false;
            }
            if (aborted == null) {
                demand--;
            }
            return true;
        }

        @Override
        public void run() {
            try {
                while (awaitDemand()) {
                    byte[] next = null;
                    while (next == null && aborted == null) {
                        next = chunks.poll(1, TimeUnit.SECONDS);
                    }
                    if (aborted != null) {
                        subscriber.onError(new IOException("streaming stopped: " + aborted));
                        return;
                    }
                    if (next == END) {
                        subscriber.onComplete();
                        return;
                    }
                    subscriber.onNext(ByteBuffer.wrap(next));
                }
            } catch (InterruptedException e) {
                subscriber.onError(new java.io.InterruptedIOException("interrupted while streaming a copy"));
            } catch (RuntimeException e) {
                subscriber.onError(e);
            } finally {
                readerGone();
            }
        }
    }
}
