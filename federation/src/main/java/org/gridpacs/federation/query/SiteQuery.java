package org.gridpacs.federation.query;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.RemoteSite;

/**
 * One remote site's part of a federated C-FIND, on its own thread: an association over mutual TLS, the C-FIND,
 * each match and then the end put on the shared queue. {@link #cancel} aborts it (timeout, requester's cancel).
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

    private final FederationConnector connector;
    private final RemoteSite site;
    private final String sopClassUid;
    private final DataSet keys;
    private final BlockingQueue<Event> events;
    private volatile boolean cancelled;
    private volatile Association association;

    SiteQuery(FederationConnector connector, RemoteSite site, String sopClassUid, DataSet keys,
              BlockingQueue<Event> events) {
        this.connector = connector;
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
            AAssociateRQ rq = connector.request(site);
            rq.addPresentationContext(new PresentationContext.RQ(1, sopClassUid, UID.ExplicitVRLittleEndian,
                    UID.ImplicitVRLittleEndian));
            Association as = connector.connect(site, rq, null);
            association = as;
            if (cancelled) {
                as.abort();
                return;
            }
            DimseResponse last = as.find(sopClassUid, keys, m -> {
                if (!cancelled) {
                    events.add(new Match(site, m));
                }
            });
            try {
                as.release();
            } catch (IOException e) {
                // the answer is complete: a failed release changes nothing for the requester
            }
            events.add(new Done(site, last.status(), last.errorComment(), null));
        } catch (IOException | RuntimeException e) {
            if (!cancelled) {
                events.add(new Done(site, Status.UNABLE_TO_PROCESS, null, e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.add(new Done(site, Status.UNABLE_TO_PROCESS, null, e));
        }
    }

    /** Stops this site's part: its association aborted if open, nothing more told. */
    void cancel() {
        cancelled = true;
        Association as = association;
        if (as != null) {
            as.abort();
        }
    }
}
