package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Handlers;

/**
 * The C-STORE sub-operations of one C-MOVE or C-GET, one after the other, each with its pending response. The next
 * sub-operation is sent by the thread that receives the previous one's C-STORE response (the association's reader),
 * not handed back to the thread that runs the retrieve: on a busy machine waking that thread for every instance
 * cost more than the peer's own work (DCMTK's storescu, one thread blocking on its socket, has no such step).
 * The retrieve's thread only waits for the end and watches the response timeout.
 */
final class SubOperationRun {
    private final SubOperation subOperation;
    private final Association as;
    private final List<IndexedInstance> instances;
    private final String originator;
    private final int messageID;
    private final Handlers.RetrieveResponder responder;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private int next;
    private int completed;
    private int failed;
    private int warning;
    private final List<String> failedUIDs = new ArrayList<>();
    /** Sub-operations finished so far, read by the waiting thread to tell a slow peer from a silent one. */
    private volatile int finished;

    SubOperationRun(SubOperation subOperation, Association as, List<IndexedInstance> instances, String originator,
                    int messageID, Handlers.RetrieveResponder responder) {
        this.subOperation = subOperation;
        this.as = as;
        this.instances = instances;
        this.originator = originator;
        this.messageID = messageID;
        this.responder = responder;
    }

    /**
     * Performs the sub-operations and sends the final counts to the responder. Throws IOException when the
     * association went away or a peer stopped answering within {@code responseTimeoutMillis} (0: no limit).
     */
    void perform(long responseTimeoutMillis) throws IOException {
        // a first pending response tells the requester how many sub-operations to expect
        if (!responder.pending(instances.size(), 0, 0, 0)) {
            responder.complete(0, 0, 0, List.of());
            return;
        }
        sendNext();
        await(responseTimeoutMillis);
        synchronized (this) {
            responder.complete(completed, failed, warning, failedUIDs);
        }
    }

    synchronized int completed() {
        return completed;
    }

    synchronized int failed() {
        return failed;
    }

    synchronized int warnings() {
        return warning;
    }

    /**
     * Sends sub-operations until one is in flight (its response then calls back here) or none is left. A result
     * known at once (an instance that cannot be sent) loops instead of recursing.
     */
    private void sendNext() {
        while (true) {
            IndexedInstance instance;
            synchronized (this) {
                if (next == instances.size() || responder.isCancelled()) {
                    done.complete(null);
                    return;
                }
                instance = instances.get(next++);
            }
            CompletableFuture<SubOperation.Result> result;
            try {
                result = subOperation.send(as, instance, originator, messageID);
            } catch (IOException | RuntimeException e) {
                done.completeExceptionally(e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(new InterruptedIOException("interrupted"));
                return;
            }
            if (!result.isDone()) {
                result.whenComplete((r, e) -> {
                    if (finish(instance, r, e)) {
                        sendNext();
                    }
                });
                return;
            }
            SubOperation.Result r;
            Throwable error = null;
            try {
                r = result.join();
            } catch (CompletionException e) {
                r = null;
                error = e;
            }
            if (!finish(instance, r, error)) {
                return;
            }
        }
    }

    /** Counts a sub-operation and sends the pending response; false when the run ends here. */
    private boolean finish(IndexedInstance instance, SubOperation.Result r, Throwable error) {
        if (error != null) {
            done.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            return false;
        }
        int remaining;
        int c;
        int f;
        int w;
        synchronized (this) {
            switch (r) {
                case COMPLETED -> completed++;
                case WARNING -> warning++;
                case FAILED -> {
                    failed++;
                    failedUIDs.add(instance.sopInstanceUID());
                }
            }
            remaining = instances.size() - completed - failed - warning;
            c = completed;
            f = failed;
            w = warning;
        }
        finished++;
        try {
            if (remaining > 0 && !responder.pending(remaining, c, f, w)) {
                done.complete(null); // cancelled
                return false;
            }
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
            return false;
        }
        return true;
    }

    private void await(long responseTimeoutMillis) throws IOException {
        int seen = -1;
        while (true) {
            try {
                if (responseTimeoutMillis > 0) {
                    done.get(responseTimeoutMillis, TimeUnit.MILLISECONDS);
                } else {
                    done.get();
                }
                return;
            } catch (TimeoutException e) {
                if (finished == seen) {
                    as.abort();
                    throw new SocketTimeoutException("no C-STORE response from " + as.remoteAETitle() + " within "
                            + responseTimeoutMillis + " ms");
                }
                seen = finished;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                as.abort();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
            }
        }
    }
}
