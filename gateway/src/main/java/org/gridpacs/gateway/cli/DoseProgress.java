package org.gridpacs.gateway.cli;

import java.io.PrintWriter;

import org.gridpacs.dose.engine.ProgressListener;

/** One status line on stderr for {@code pacs dose}: histories done, rate and the uncertainty reached so far. */
final class DoseProgress implements ProgressListener, AutoCloseable {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private boolean drawn;

    private final double target;

    /** @param target the uncertainty aimed at (fraction), 0 when running a fixed number of histories */
    DoseProgress(PrintWriter err, double target) {
        this.err = err;
        this.target = target;
    }

    static boolean wanted(boolean forced) {
        return ProgressBar.wanted(forced);
    }

    @Override
    public synchronized void progress(long done, long planned, double uncertainty) {
        double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
        double fraction = done / (double) Math.max(1, planned);
        if (target > 0 && uncertainty > 0) { // uncertainty falls as 1/sqrt(histories)
            fraction = Math.max(fraction, Math.min(1, (target / uncertainty) * (target / uncertainty)));
        }
        int filled = (int) Math.min(WIDTH, WIDTH * fraction);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        err.printf("\r[%s] %,d histories  %,.0f histories/s  uncertainty %s ", bar, done, done / secs,
                Double.isNaN(uncertainty) ? "-" : String.format("%.2f%%", 100 * uncertainty));
        err.flush();
        drawn = true;
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
