package org.gridpacs.federation.query;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.site.RemoteSite;

/**
 * One remote site's part of a federated C-FIND, on its own thread: an association over mutual TLS (a kept one from
 * {@link SiteAssociations} when there is one; retried once on a new one when a kept one fails before any match),
 * the C-FIND, each match and then the end put on the shared queue. {@link #cancel} aborts it (timeout, requester's cancel).
 */
final class SiteQuery implements Runnable {
    /** What a site query tells the merging thread. */
    sealed interface Event permits Match, Done {
        RemoteSite site();
    }

    record Match(RemoteSite site, DataSet match) implements Event {
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
    private volatile boolean cancelled;
    private volatile Association association;
    private volatile boolean matched;
    private boolean finished;

    SiteQuery(SiteAssociations pool, RemoteSite site, String sopClassUid, DataSet keys,
              BlockingQueue<Event> events) {
        this.pool = pool;
        this.site = site;
        this.sopClassUid = sopClassUid;
        this.keys = keys;
        this.events = events;
    }

    RemoteSite site() {
        return site;
    }

    @Override
    public void run() {
        try {
            SiteAssociations.Lease lease = pool.lease(site, sopClassUid);
            DimseResponse last;
            try {
                last = find(lease.association());
            } catch (IOException e) {
                lease.association().abort(); // never back to the pool: its state is unknown
                if (!lease.pooled() || cancelled || matched) {
                    throw e;
                }
                // a kept association the site had dropped (restarted, its idle timeout): once more on a new one
                lease = pool.fresh(site, sopClassUid);
                last = find(lease.association());
            }
            synchronized (this) {
                if (cancelled) {
                    lease.association().abort();
                    return;
                }
                finished = true; // from now on cancel() leaves the association alone: it goes back to the pool
            }
            // the answer is complete: the association is kept for the next query (or released)
            pool.release(site, sopClassUid, lease.association());
            events.add(new Done(site, last.status(), last.errorComment(), null));
        } catch (IOException | RuntimeException e) {
            abortCurrent();
            if (!cancelled) {
                events.add(new Done(site, Status.UNABLE_TO_PROCESS, null, e));
            }
        } catch (InterruptedException e) {
            abortCurrent();
            Thread.currentThread().interrupt();
            events.add(new Done(site, Status.UNABLE_TO_PROCESS, null, e));
        }
    }

    private void abortCurrent() {
        Association as = association;
        if (as != null) {
            as.abort();
        }
    }

    private DimseResponse find(Association as) throws IOException, InterruptedException {
        association = as;
        if (cancelled) {
            as.abort();
            throw new IOException("cancelled");
        }
        return as.find(sopClassUid, keys, m -> {
            if (!cancelled) {
                matched = true;
                events.add(new Match(site, m));
            }
        });
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
