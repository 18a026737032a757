package org.gridpacs.federation.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trail whose {@link #record} returns at once and whose messages are recorded, in order, by a thread of its own:
 * for audits that need not hold up the answer they audit (a federated C-FIND's final response waited for the local
 * log's fsync, 6-40 ms on this machine). {@link #close} records everything handed over before it returns, so a clean
 * stop loses nothing; a crash (kill -9, power loss) can lose the messages of the last moments that were not yet
 * written, which is the price of answering first. Use the target trail directly where the audit must be durable
 * before the operation goes on (transfers, exports, refusals).
 */
public final class DeferredAuditTrail implements AuditTrail, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeferredAuditTrail.class);
    private final AuditTrail target;
    private final List<AuditMessage> queue = new ArrayList<>();
    private final Thread writer;
    private boolean closed;
    private long handedOver;
    private long recorded;

    public DeferredAuditTrail(AuditTrail target, String name) {
        this.target = target;
        writer = new Thread(this::run, name);
        writer.setDaemon(true); // close() drains it; a daemon does not keep a JVM alive that forgot to
        writer.start();
    }

    @Override
    public void record(AuditMessage message) {
        synchronized (this) {
            if (!closed) {
                queue.add(message);
                handedOver++;
                notifyAll();
                return;
            }
        }
        target.record(message); // after close: at once, on the caller's thread
    }

    /** Waits until every message handed over before this call is recorded (tests, a status page). */
    public synchronized boolean flush(long timeoutMillis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long goal = handedOver;
        while (recorded < goal) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void run() {
        while (true) {
            List<AuditMessage> batch;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // only close() ends this thread: the messages queued must be recorded
                    }
                }
                if (queue.isEmpty()) {
                    return; // closed and drained
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            }
            for (AuditMessage m : batch) {
                try {
                    target.record(m);
                } catch (RuntimeException e) {
                    LOG.error("Audit: could not record a {} message: {}", m.event().eventId().originalText(),
                            e.toString());
                }
            }
            synchronized (this) {
                recorded += batch.size();
                notifyAll();
            }
        }
    }

    /** Records what was handed over, then stops the thread; later messages are recorded at once by the caller. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true; // the queued records still go to the log
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
