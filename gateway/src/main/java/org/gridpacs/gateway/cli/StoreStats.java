package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What happened to each file of a {@code pacs store} run, counted by the sending threads and summarised at the end. */
final class StoreStats {
    /** Failures listed one by one before they are only counted by reason. */
    private static final int LISTED = 20;

    record Outcome(StoreFile file, String detail) {
    }

    final AtomicInteger done = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
    private final List<Outcome> warnings = new ArrayList<>();
    private final List<Outcome> failures = new ArrayList<>();
    /** The instances sent with success or warning: SOP Class UID, SOP Instance UID (for --commit). */
    private final List<String[]> sentInstances = new ArrayList<>();

    void sent(StoreFile f, String warning) {
        synchronized (this) {
            sentInstances.add(new String[] {f.sopClassUID(), f.sopInstanceUID()});
        }
        sent.incrementAndGet();
        bytes.addAndGet(f.dataSetLength());
        if (warning != null) {
            synchronized (this) {
                warnings.add(new Outcome(f, warning));
            }
        }
        done.incrementAndGet();
    }

    void failed(StoreFile f, String reason) {
        synchronized (this) {
            failures.add(new Outcome(f, reason));
        }
        done.incrementAndGet();
    }

    synchronized List<String[]> sentInstances() {
        return List.copyOf(sentInstances);
    }

    synchronized int failedCount() {
        return failures.size();
    }

    synchronized void printSummary(PrintWriter out, int total, int skipped, long nanos) {
        double secs = Math.max(nanos / 1e9, 1e-3);
        out.printf("Sent %d of %d instances (%.1f MB) in %.2f s: %.1f MB/s, %.1f instances/s%n", sent.get(), total,
                bytes.get() / 1e6, secs, bytes.get() / 1e6 / secs, sent.get() / secs);
        out.printf("Warnings: %d, failed: %d, skipped (not DICOM): %d%n", warnings.size(), failures.size(), skipped);
        list(out, "Warning", warnings);
        list(out, "Failed", failures);
    }

    private static void list(PrintWriter out, String label, List<Outcome> outcomes) {
        for (int i = 0; i < Math.min(LISTED, outcomes.size()); i++) {
            Outcome o = outcomes.get(i);
            out.printf("  %s: %s: %s%n", label, o.file().path(), o.detail());
        }
        if (outcomes.size() > LISTED) {
            Map<String, Integer> byReason = new LinkedHashMap<>();
            for (Outcome o : outcomes.subList(LISTED, outcomes.size())) {
                byReason.merge(o.detail(), 1, Integer::sum);
            }
            byReason.forEach((reason, n) -> out.printf("  %s: %d more files: %s%n", label, n, reason));
        }
    }
}
