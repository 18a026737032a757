package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One status line on stderr, redrawn four times a second: files done of total, data rate and instance rate.
 * Only for a person watching a terminal; logs and redirected output never get carriage returns.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 24;

    private final PrintWriter err;
    private final long total;
    private final LongSupplier done;
    private final LongSupplier bytes;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress");
        t.setDaemon(true);
        return t;
    });

    ProgressBar(PrintWriter err, long total, LongSupplier done, LongSupplier bytes) {
        this.err = err;
        this.total = total;
        this.done = done;
        this.bytes = bytes;
        timer.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * True when stderr is a terminal (scripts/pacs tells us: Java cannot test stderr itself) or when asked for.
     * Without the launcher's hint, a console on stdin/stdout is taken as a terminal on stderr too.
     */
    static boolean wanted(boolean forced) {
        String hint = System.getProperty("pacs.stderr.tty");
        return forced || (hint != null ? Boolean.parseBoolean(hint) : System.console() != null);
    }

    private synchronized void draw() {
        long d = done.getAsLong();
        double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
        int filled = total == 0 ? WIDTH : (int) (WIDTH * d / total);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        err.printf("\r[%s] %d/%d files  %.1f MB/s  %.1f instances/s ", bar, d, total,
                bytes.getAsLong() / 1e6 / secs, d / secs);
        err.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        draw();
        err.println();
        err.flush();
    }
}
