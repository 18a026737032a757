package org.gridpacs.archive.retrieve;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

import org.gridpacs.archive.index.IndexedInstance;

/**
 * The next few instances of one retrieve fetched ahead, in parallel, while the current one is sent: for instances
 * read from a shared object store (the grid), where each read waits a round trip or two and one at a time would
 * leave the sender idle. Bounded: at most {@code window} objects in memory or on their way, none larger than
 * {@link #MAX_OBJECT}; the rest (and any fetch that failed) are opened the ordinary way when their turn comes.
 */
public final class ReadAhead implements AutoCloseable {
    /** Objects larger than this are streamed when their turn comes, not held in memory. */
    static final long MAX_OBJECT = 32L * 1024 * 1024;

    /** Reads one copy whole (the storage, key and expected size of the location chosen). */
    interface Fetch {
        byte[] read(IndexedInstance.Location copy) throws IOException;
    }

    private final Deque<Map.Entry<IndexedInstance, IndexedInstance.Location>> waiting = new ArrayDeque<>();
    private final Map<String, CompletableFuture<byte[]>> fetched = new ConcurrentHashMap<>();
    private final Map<String, ReadAhead> registry;
    private final int window;
    private final Executor executor;
    private final Fetch fetch;
    private boolean closed;

    ReadAhead(List<Map.Entry<IndexedInstance, IndexedInstance.Location>> slow, int window, Executor executor,
              Fetch fetch, Map<String, ReadAhead> registry) {
        this.window = window;
        this.executor = executor;
        this.fetch = fetch;
        this.registry = registry;
        for (Map.Entry<IndexedInstance, IndexedInstance.Location> e : slow) {
            if (e.getValue().size() <= MAX_OBJECT) {
                waiting.add(e);
                registry.put(e.getKey().sopInstanceUID(), this);
            }
        }
        fill();
    }

    /**
     * The fetched bytes of this instance, or null when it was not fetched ahead (too large, not read from a slow
     * storage) or its fetch failed (the caller opens it the ordinary way and meets the error there).
     */
    InputStream take(String sopInstanceUID) {
        registry.remove(sopInstanceUID, this);
        CompletableFuture<byte[]> f;
        synchronized (this) {
            f = fetched.get(sopInstanceUID);
            if (f == null) {
                // asked for out of order: drop it from the queue, it is opened the ordinary way
                waiting.removeIf(e -> e.getKey().sopInstanceUID().equals(sopInstanceUID));
                return null;
            }
        }
        try {
            return new java.io.ByteArrayInputStream(f.get());
        } catch (ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            // its place in the window is given to the next one only now: at most window reads at once
            fetched.remove(sopInstanceUID);
            fill();
        }
    }

    private void fill() {
        synchronized (this) {
            while (!closed && fetched.size() < window && !waiting.isEmpty()) {
                Map.Entry<IndexedInstance, IndexedInstance.Location> next = waiting.poll();
                fetched.put(next.getKey().sopInstanceUID(), CompletableFuture.supplyAsync(() -> {
                    try {
                        return fetch.read(next.getValue());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, executor));
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.forEach(e -> registry.remove(e.getKey().sopInstanceUID(), this));
            waiting.clear();
            fetched.keySet().forEach(sop -> registry.remove(sop, this));
            fetched.values().forEach(f -> f.cancel(false));
            fetched.clear();
        }
    }
}
