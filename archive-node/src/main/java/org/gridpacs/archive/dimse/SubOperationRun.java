package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Handlers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE sub-operations of one C-MOVE or C-GET, one after the other, each with its pending response.
 *
 * <p>On a C-MOVE's own association to the destination, the next sub-operation is sent by the thread that receives
 * the previous one's C-STORE response (that association's reader), not handed back to the thread that runs the
 * retrieve: waking that thread for every instance cost more than the peer's own work on a busy machine (DCMTK's
 * storescu, one thread blocking on its socket, has no such step). A C-GET's sub-operations share the requester's
 * association, whose reader must stay free to read (the responses of other operations on it, an A-ABORT) and must
 * never wait for the operations window: there the thread that runs the retrieve sends each one.
 */
final class SubOperationRun {
    private static final Logger LOG = LoggerFactory.getLogger(SubOperationRun.class);
    private static final long POLL_MILLIS = 100;

    private final SubOperation subOperation;
    private final Association as;
    private final boolean privateAssociation;
    private final RetrieveContext context;
    private final List<IndexedInstance> instances;
    private final String originator;
    private final int messageID;
    private final Handlers.RetrieveResponder responder;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Work for the retrieve's own thread (C-GET): the next send after a response. */
    private final BlockingQueue<Runnable> forRetrieveThread = new LinkedBlockingQueue<>();
    private int next;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUIDs = new ArrayList<>();
    /** Sub-operations that failed because the shared storage holding their only copy could not be read. */
    private int unreadable;
    private volatile String unreadableStorage;
    private volatile String unreachableStorage;
    private final SubOperation.SharedStorageWatch watch = new SubOperation.SharedStorageWatch() {
        @Override
        public String unreachable() {
            return unreachableStorage;
        }

        @Override
        public void unreadable(String storage, boolean unreachable) {
            synchronized (SubOperationRun.this) {
                SubOperationRun.this.unreadable++;
                unreadableStorage = storage;
                if (unreachable) {
                    unreachableStorage = storage;
                }
            }
        }
    };
    /** When a request was last fully sent or a response last arrived: what the response timeout counts from. */
    private volatile long lastActivity = System.nanoTime();
    /** A sub-operation is being sent (a large object over a slow link takes long): not a silent peer. */
    private volatile boolean sending;

    /**
     * {@code privateAssociation}: {@code as} carries nothing but this run (a C-MOVE's association to its
     * destination), so its reader may send the next sub-operation. {@code context}: the retrieve's requester,
     * destination, the syntaxes {@code as} accepted and the destination's transform.
     */
    SubOperationRun(SubOperation subOperation, Association as, boolean privateAssociation, RetrieveContext context,
                    List<IndexedInstance> instances, String originator, int messageID,
                    Handlers.RetrieveResponder responder) {
        this.subOperation = subOperation;
        this.as = as;
        this.privateAssociation = privateAssociation;
        this.context = context;
        this.instances = instances;
        this.originator = originator;
        this.messageID = messageID;
        this.responder = responder;
    }

    /**
     * Performs the sub-operations and gives the final counts to the responder. Throws IOException when the
     * association went away or a peer stopped answering within the association's response timeout; the
     * association is aborted then (a failure mid-message leaves it unusable).
     */
    void perform() throws IOException {
        // a first pending response tells the requester how many sub-operations to expect
        if (!responder.pending(instances.size(), 0, 0, 0)) {
            responder.complete(0, 0, 0, List.of());
            return;
        }
        try (org.gridpacs.archive.retrieve.ReadAhead ahead = subOperation.readAhead(instances)) {
            sendNext();
            await(as.responseTimeout());
        } catch (IOException e) {
            if (as.isOpen()) {
                LOG.warn("Retrieve to {} ended early: {}", as.remoteAETitle(), e.getMessage());
                as.abort();
            }
            throw e; // the destination (or, for C-GET, the requester) went away
        } finally {
            synchronized (this) {
                done.complete(null); // ends a run that failed or timed out: no pending response after this
            }
        }
        synchronized (this) {
            responder.complete(completed, failed, warning, failedUIDs);
            if (unreadableStorage != null) {
                // the requester's log should say why: the grid (down, or its credentials refused), not the instances
                responder.failureComment(unreadableStorage + " storage unreadable: " + unreadable + " of "
                        + instances.size() + " sub-operations failed");
            }
            LOG.info("{} of {} instances sent to {} ({} failed, {} with warnings)", completed + warning,
                    instances.size(), as.remoteAETitle(), failed, warning);
        }
    }

    /**
     * Sends sub-operations until one is in flight (its response then calls back) or none is left. A result known
     * at once (an instance that cannot be sent) loops instead of recursing.
     */
    private void sendNext() {
        try {
            while (true) {
                IndexedInstance instance;
                synchronized (this) {
                    if (done.isDone() || next == instances.size() || responder.isCancelled()) {
                        done.complete(null);
                        return;
                    }
                    instance = instances.get(next++);
                }
                CompletableFuture<SubOperation.Result> result;
                sending = true;
                try {
                    result = subOperation.send(as, context, instance, originator, messageID, watch);
                } finally {
                    sending = false;
                    lastActivity = System.nanoTime();
                }
                if (!result.isDone()) {
                    result.whenComplete((r, e) -> afterResponse(instance, r, e));
                    return;
                }
                SubOperation.Result r = null;
                Throwable error = null;
                try {
                    r = result.join();
                } catch (CompletionException e) {
                    error = e;
                }
                if (!finish(instance, r, error)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(new InterruptedIOException("interrupted"));
        } catch (Throwable e) {
            // whatever it is (an OutOfMemoryError while converting a large object, say), the waiting thread must hear
            done.completeExceptionally(e);
        }
    }

    /**
     * On the thread that received the response. On a C-MOVE's private association: count it and send the next one
     * here. On a C-GET's shared one: leave both to the retrieve's thread, so that this reader writes nothing (a
     * reader blocked on a write to a peer that is itself blocked writing would stall both ends).
     */
    private void afterResponse(IndexedInstance instance, SubOperation.Result r, Throwable error) {
        lastActivity = System.nanoTime();
        Runnable step = () -> {
            try {
                if (finish(instance, r, error)) {
                    sendNext();
                }
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        };
        if (privateAssociation) {
            step.run();
        } else {
            forRetrieveThread.add(step);
        }
    }

    /** Counts a sub-operation and sends the pending response; false when the run ends here. */
    private boolean finish(IndexedInstance instance, SubOperation.Result r, Throwable error) throws IOException {
        if (error != null) {
            done.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            return false;
        }
        synchronized (this) {
            if (done.isDone()) {
                return false;
            }
            switch (r) {
                case COMPLETED -> completed++;
                case WARNING -> warning++;
                case FAILED -> {
                    failed++;
                    failedUIDs.add(instance.sopInstanceUID());
                }
            }
            int remaining = instances.size() - completed - failed - warning;
            // under the lock: the final response (sent once "done" is complete) cannot overtake this pending one
            if (remaining > 0 && !responder.pending(remaining, completed, failed, warning)) {
                done.complete(null); // cancelled
                return false;
            }
        }
        return true;
    }

    private void await(long responseTimeoutMillis) throws IOException {
        try {
            while (true) {
                Runnable task = forRetrieveThread.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                }
                if (done.isDone()) {
                    done.get();
                    return;
                }
                long quiet = (System.nanoTime() - lastActivity) / 1_000_000;
                if (responseTimeoutMillis > 0 && quiet > responseTimeoutMillis && !sending && forRetrieveThread.isEmpty()) {
                    as.abort();
                    throw new SocketTimeoutException("no C-STORE response from " + as.remoteAETitle() + " within "
                            + responseTimeoutMillis + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            as.abort();
            throw new InterruptedIOException("interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Error err) {
                throw err;
            }
            throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
        }
    }
}
