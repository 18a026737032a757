package org.gridpacs.grid.tier;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One transfer per instance, a few at once: each S3 request waits a round trip or two (an upload, then a read
 * back), so one at a time leaves the link and the server idle. The AWS CLI, the rate to match, runs 10 at once.
 */
final class ParallelTransfers {
    /** What is done to one instance; an exception stops the instances not yet started and is thrown back. */
    interface Transfer<T> {
        void run(T item) throws IOException, SQLException;
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private ParallelTransfers() {
    }

    static <T> void forEach(List<T> items, int parallel, Transfer<T> transfer) throws IOException, SQLException {
        if (parallel <= 1 || items.size() <= 1) {
            for (T item : items) {
                transfer.run(item);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, items.size()), r -> {
            Thread t = new Thread(r, "grid-transfer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean stop = new AtomicBoolean();
        try {
            List<Future<Void>> running = items.stream().map(item -> pool.submit(() -> {
                if (!stop.get()) {
                    try {
                        transfer.run(item);
                    } catch (IOException | SQLException | RuntimeException e) {
                        stop.set(true);
                        throw e;
                    }
                }
                return (Void) null;
            })).toList();
            Throwable first = null;
            for (Future<Void> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop.set(true);
                    throw new IOException("interrupted", e);
                }
            }
            if (first instanceof IOException io) {
                throw io;
            } else if (first instanceof SQLException sql) {
                throw sql;
            } else if (first instanceof RuntimeException rt) {
                throw rt;
            } else if (first != null) {
                throw new IOException(first);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
