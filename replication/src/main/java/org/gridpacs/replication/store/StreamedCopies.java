package org.gridpacs.replication.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.ReplicaStream;
import org.gridpacs.archive.store.ReplicaTap;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.transfer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies of one instance streamed to peers while it is stored here (one object per C-STORE): opened once
 * the store has parsed the header and knows the study, fed with every byte the local storage gets, ended when the
 * local object is complete. After the local store, {@link #verify} collects the peers' answers and keeps the copies
 * that are the same object as the local one; {@link #withdraw} takes them back when the local store failed.
 */
final class StreamedCopies implements ReplicaTap {
    private static final Logger LOG = LoggerFactory.getLogger(StreamedCopies.class);

    /** What one peer was sent and will answer. */
    private record Stream(String node, ReplicaPipe pipe, CompletableFuture<PeerClient.PeerCopy> answer) {
    }

    /** The outcome: verified copies by node, and why the others are not. */
    record Outcome(Map<String, PeerClient.PeerCopy> copies, Map<String, Exception> failures) {
    }

    private final ClusterConfig cluster;
    private final PeerClient client;
    private final Executor executor;
    /** The nodes a copy of this instance should be streamed to, from its header (empty: none). */
    private final Function<InstanceHeader, List<String>> targets;
    private final StreamingSettings settings;
    private final List<Stream> streams = new ArrayList<>();

    StreamedCopies(ClusterConfig cluster, PeerClient client, Executor executor,
                   Function<InstanceHeader, List<String>> targets, StreamingSettings settings) {
        this.cluster = cluster;
        this.client = client;
        this.executor = executor;
        this.targets = targets;
        this.settings = settings;
    }

    @Override
    public ReplicaStream open(StoreRequest request, InstanceHeader header) {
        List<String> nodes = targets.apply(header);
        for (String node : nodes) {
            ReplicaPipe pipe = new ReplicaPipe(settings.chunksInFlight(), settings.stallMillis());
            CompletableFuture<PeerClient.PeerCopy> answer = client.streamCopy(cluster.node(node), cluster.self(),
                    request.callingAETitle(), pipe.publisher(executor));
            answer.whenComplete((copy, e) -> pipe.readerGone());
            streams.add(new Stream(node, pipe, answer));
        }
        if (streams.isEmpty()) {
            return null;
        }
        return streams.size() == 1 ? streams.get(0).pipe() : new FanOut(streams.stream().map(Stream::pipe).toList());
    }

    /** Whether any copy was streamed. */
    boolean any() {
        return !streams.isEmpty();
    }

    /**
     * Waits for the peers' answers (the local copy is stored and indexed) and keeps those whose copy is the same
     * object as {@code local}: same size and CRC-32C. A copy that differs is taken back at once.
     */
    Outcome verify(StoredObject local, String sopInstanceUID) {
        Map<String, PeerClient.PeerCopy> copies = new LinkedHashMap<>();
        Map<String, Exception> failures = new LinkedHashMap<>();
        for (Stream s : streams) {
            try {
                PeerClient.PeerCopy copy = answer(s);
                if (copy.size() == local.size() && local.checksum() != null && local.checksum().equals(copy.checksum())) {
                    copies.put(s.node(), copy);
                } else {
                    failures.put(s.node(), new IOException("node " + s.node() + " stored a copy of " + copy.size()
                            + " bytes with checksum " + copy.checksum() + ", not " + local.size() + " bytes with "
                            + local.checksum()));
                    takeBack(s, copy, sopInstanceUID);
                }
            } catch (IOException e) {
                failures.put(s.node(), e);
            }
        }
        return new Outcome(copies, failures);
    }

    /** The local store failed: stops the streams still going and takes back the copies already made. */
    void withdraw(String sopInstanceUID, String reason) {
        for (Stream s : streams) {
            s.pipe().abort(reason);
        }
        for (Stream s : streams) {
            try {
                takeBack(s, answer(s), sopInstanceUID);
            } catch (IOException e) {
                // cut off, refused or unreachable: nothing was kept there
            }
        }
    }

    private void takeBack(Stream s, PeerClient.PeerCopy copy, String sopInstanceUID) {
        try {
            client.withdrawCopy(cluster.node(s.node()), cluster.self(), sopInstanceUID, copy.storageKey());
        } catch (IOException e) {
            // repair finds it: a copy the origin does not list, of an object the origin does not hold
            LOG.warn("Node {} keeps a copy of {} that this node did not keep ({}); repair will sort it out", s.node(),
                    sopInstanceUID, e.getMessage());
        }
    }

    private PeerClient.PeerCopy answer(Stream s) throws IOException {
        try {
            return s.answer().get(settings.answerMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException("node " + s.node() + ": " + cause, cause);
        } catch (TimeoutException e) {
            s.pipe().abort("no answer in time");
            throw new IOException("node " + s.node() + " did not answer the streamed copy in "
                    + settings.answerMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for node " + s.node());
        }
    }

    /** One object streamed to several peers at once. */
    private static final class FanOut extends ReplicaStream {
        private final List<ReplicaPipe> pipes;

        FanOut(List<ReplicaPipe> pipes) {
            this.pipes = pipes;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (ReplicaPipe p : pipes) {
                p.write(b, off, len);
            }
        }

        @Override
        public void close() {
            pipes.forEach(ReplicaPipe::close);
        }

        @Override
        public void abort(String reason) {
            pipes.forEach(p -> p.abort(reason));
        }
    }
}
