package org.gridpacs.federation.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.PendingMatches;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.site.RemoteSite;

/**
 * One remote site's part of a federated C-FIND over mutual TLS, each match and then the end put on the shared
 * queue. No thread waits for the site: on a kept association ({@link SiteAssociations}) the C-FIND is sent by the
 * caller and its matches and end are handed on by the association's reader as they arrive, so that the merging
 * thread hears of them one thread switch after they come in (on a loaded machine each switch may cost
 * milliseconds). Opening a new association blocks, so that is done on {@code threads}: when none is kept, and for the
 * one retry when a kept one fails before any match. {@link #cancel} aborts it (timeout, requester's cancel).
 */
final class SiteQuery {
    /** What a site query tells the merging thread. */
    sealed interface Event permits Matches, Done {
        RemoteSite site();
    }

    /** A run of the site's matches, in the order they came. */
    record Matches(RemoteSite site, List<DataSet> matches) implements Event {
    }

    /** The site's end: its final status, or the failure that ended it (null when it answered). */
    record Done(RemoteSite site, int status, String comment, Exception failure) implements Event {
        boolean answered() {
            return failure == null && (Status.isSuccess(status) || Status.isWarning(status));
        }

        String problem() {
            if (failure != null) {
                return failure.getMessage() != null ? failure.getMessage() : failure.toString();
            }
            return Status.describe(status) + (comment != null && !comment.isBlank() ? " (" + comment + ")" : "");
        }
    }

    private final SiteAssociations pool;
    private final RemoteSite site;
    private final String sopClassUid;
    private final DataSet keys;
    private final BlockingQueue<Event> events;
    private final Executor threads;
    private volatile boolean cancelled;
    private volatile Association association;
    private volatile boolean matched;
    private boolean finished;
    /**
     * Matches not handed on yet: they go in runs of {@link PendingMatches#RUN} and with the end, so that the merging
     * thread wakes once per run, not once per match (on the reader thread; failures may come on another).
     */
    private final List<DataSet> run = new ArrayList<>();

    SiteQuery(SiteAssociations pool, RemoteSite site, String sopClassUid, DataSet keys, BlockingQueue<Event> events,
              Executor threads) {
        this.pool = pool;
        this.site = site;
        this.sopClassUid = sopClassUid;
        this.keys = keys;
        this.events = events;
        this.threads = threads;
    }

    RemoteSite site() {
        return site;
    }

    /** Sends the C-FIND on a kept association now, or opens a new one on {@code threads}; returns at once. */
    void start() {
        Association kept = pool.kept(site, sopClassUid);
        if (kept != null) {
            send(kept, true);
        } else {
            onNewAssociation();
        }
    }

    private void onNewAssociation() {
        try {
            threads.execute(() -> {
                Association as;
                try {
                    as = pool.fresh(site, sopClassUid);
                } catch (IOException | RuntimeException e) {
                    failed(e);
                    return;
                }
                send(as, false);
            });
        } catch (RejectedExecutionException e) {
            failed(new IOException("the gateway is stopping", e));
        }
    }

    private void send(Association as, boolean kept) {
        association = as;
        if (cancelled) {
            as.abort();
            return;
        }
        try {
            as.findAsync(sopClassUid, keys, this::onMatch).whenComplete((last, e) -> {
                if (e == null) {
                    answered(as, last);
                } else {
                    failedOn(as, kept, e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
                }
            });
        } catch (IOException | RuntimeException e) {
            failedOn(as, kept, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failedOn(as, false, e);
        }
    }

    private void onMatch(DataSet m) {
        if (!cancelled) {
            matched = true;
            synchronized (run) {
                run.add(m);
                if (run.size() >= PendingMatches.RUN) {
                    handOnMatches();
                }
            }
        }
    }

    /**
     * The matches gathered so far, to the merging thread: before the site's end, which follows them, and when the
     * merging thread's time is up (what came in time is answered).
     */
    void handOnMatches() {
        synchronized (run) {
            if (!run.isEmpty()) {
                events.add(new Matches(site, List.copyOf(run)));
                run.clear();
            }
        }
    }

    /** On the reader thread: the site's final response. */
    private void answered(Association as, DimseResponse last) {
        synchronized (this) {
            if (cancelled) {
                as.abort();
                return;
            }
            finished = true; // from now on cancel() leaves the association alone: it goes back to the pool
        }
        // kept before the merging thread hears of the end, so that the next query finds it
        pool.release(site, sopClassUid, as);
        handOnMatches();
        events.add(new Done(site, last.status(), last.errorComment(), null));
    }

    private void failedOn(Association as, boolean kept, Throwable e) {
        as.abort(); // never back to the pool: its state is unknown
        if (kept && !cancelled && !matched) {
            // a kept association the site had dropped (restarted, its idle timeout): once more on a new one
            onNewAssociation();
            return;
        }
        failed(e);
    }

    private void failed(Throwable e) {
        if (!cancelled) {
            handOnMatches(); // what came before the failure is answered too
            events.add(new Done(site, Status.UNABLE_TO_PROCESS, null,
                    e instanceof Exception x ? x : new IOException(e.toString(), e)));
        }
    }

    /** Stops this site's part: its association aborted if still in use, nothing more told. */
    void cancel() {
        Association as;
        synchronized (this) {
            cancelled = true;
            if (finished) {
                return;
            }
            as = association;
        }
        if (as != null) {
            as.abort();
        }
    }
}
