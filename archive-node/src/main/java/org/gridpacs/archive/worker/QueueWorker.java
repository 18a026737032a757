package org.gridpacs.archive.worker;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that works off one durable queue (off-site copies, exports): it runs passes until closed, and between
 * passes waits as long as the pass asked, or until woken because something was queued. Closing lets the current
 * step finish (a pass checks {@link #stopping()} between entries) and waits up to 10 seconds for it.
 */
public final class QueueWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueWorker.class);
    /** The longest wait between passes: entries queued by another node's process are seen within it. */
    public static final long MAX_WAIT_MILLIS = 5000;

    /** One pass over the queue. */
    @FunctionalInterface
    public interface Pass {
        /** Works off what is due; returns how long to wait before the next pass (0: go on at once). */
        long run() throws Exception;
    }

    private final String what;
    private final Pass pass;
    private final Thread thread;
    private final Object signal = new Object();
    private volatile boolean running = true;
    private boolean woken;

    /**
     * @param threadName the thread's name
     * @param what       what the queue holds, for the log ("Exports", "Off-site copies to grid")
     */
    public QueueWorker(String threadName, String what, Pass pass) {
        this.what = what;
        this.pass = pass;
        this.thread = new Thread(this::loop, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Something was queued: look now. */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** True once {@link #close()} was called: a pass stops between entries. */
    public boolean stopping() {
        return !running;
    }

    /** The wait until {@code next} (the queue's next due entry; null: none), between 10 ms and the longest wait. */
    public static long untilDue(Instant next) {
        return next == null ? MAX_WAIT_MILLIS
                : Math.max(10, Math.min(MAX_WAIT_MILLIS, next.toEpochMilli() - System.currentTimeMillis()));
    }

    private void loop() {
        while (running) {
            long wait;
            try {
                wait = pass.run();
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                // the index unreadable for a moment, or a bug met on one entry: wait rather than spin
                LOG.warn("{}: the queue could not be worked off: {}", what, e.toString());
                wait = MAX_WAIT_MILLIS;
            }
            if (wait > 0) {
                await(wait);
            }
        }
    }

    private void await(long millis) {
        synchronized (signal) {
            if (!woken && running) {
                try {
                    signal.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            woken = false;
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
