package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** One status line on stderr for {@code pacs dose-request}: the job's state, what it does, progress and time left. */
final class JobProgressLine implements AutoCloseable {
    private static final int WIDTH = 24;
    private final PrintWriter err;
    private boolean drawn;

    JobProgressLine(PrintWriter err) {
        this.err = err;
    }

    static boolean wanted(boolean forced) {
        return ProgressBar.wanted(forced);
    }

    void draw(JsonNode job) {
        double fraction = Math.max(0, Math.min(1, job.path("progress").asDouble(0)));
        int filled = (int) (WIDTH * fraction);
        String bar = "#".repeat(filled) + ".".repeat(WIDTH - filled);
        JsonNode unc = job.path("uncertaintyReached");
        JsonNode eta = job.path("etaSeconds");
        err.printf(Locale.ROOT, "\r[%s] %s %s  %,d histories  uncertainty %s  ETA %s   ", bar,
                job.path("state").asText(), job.path("detail").asText(""), job.path("historiesDone").asLong(),
                unc.isNumber() ? String.format(Locale.ROOT, "%.2f%%", unc.asDouble()) : "-",
                eta.isNumber() ? String.format(Locale.ROOT, "%.0f s", eta.asDouble()) : "-");
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
