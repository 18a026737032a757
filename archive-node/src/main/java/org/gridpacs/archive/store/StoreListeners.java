package org.gridpacs.archive.store;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link StoreListener}s of one node and the one thread that calls them: events are handed over and the
 * store returns at once, so that no listener can fail or slow a C-STORE. One thread keeps the events in the order
 * of their stores. The queue is bounded: a listener that cannot keep up loses events (logged) rather than the
 * node its memory.
 */
public final class StoreListeners implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreListeners.class);
    static final int DEFAULT_QUEUE = 10_000;

    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor thread;
    private final AtomicLong dropped = new AtomicLong();

    public StoreListeners() {
        this(DEFAULT_QUEUE);
    }

    StoreListeners(int queueCapacity) {
        thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                r -> {
                    Thread t = new Thread(r, "store-listeners");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    public StoreListeners add(StoreListener listener) {
        listeners.add(listener);
        return this;
    }

    public void remove(StoreListener listener) {
        listeners.remove(listener);
    }

    /** Hands the event to the listeners' thread; returns at once and never throws. */
    public void publish(InstanceStored event) {
        if (listeners.isEmpty()) {
            return; // nothing to tell: not even a task
        }
        try {
            thread.execute(() -> deliver(event));
        } catch (RejectedExecutionException e) {
            if (thread.isShutdown()) {
                LOG.debug("Node stopping: no listener hears of {}", event.sopInstanceUID());
                return;
            }
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("Store listeners are behind: dropped the news of {} ({} dropped so far)",
                        event.sopInstanceUID(), n);
            }
        }
    }

    private void deliver(InstanceStored event) {
        for (StoreListener l : listeners) {
            try {
                l.instanceStored(event);
            } catch (RuntimeException e) {
                LOG.warn("Store listener {} failed on {}: {}", l, event.sopInstanceUID(), e.toString());
            }
        }
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Delivers what is queued (for at most a few seconds), then stops the thread. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
