package org.gridpacs.federation.query;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.RemoteSite;

/**
 * The federated C-FIND's associations to the remote sites, kept open between queries: a TLS handshake and an
 * association negotiation cost more than the C-FIND itself (tens of ms on a loaded machine), and a workstation's
 * queries come in bursts. A few idle associations per site and SOP class; one idle longer than {@code idleTimeout},
 * or no longer open (the site released, aborted or went away), is closed instead of being used. At most
 * {@code perSite} are kept idle per site and SOP class; more may be open at once (parallel queries), the extra ones
 * are released when given back. {@link #close} releases them all (the gateway's stop).
 *
 * <p>A kept association may have been dropped by the site without our reader having seen it yet: the caller
 * retries once on a fresh one when a {@link Lease#pooled() pooled} association fails before any match came.
 */
final class SiteAssociations implements AutoCloseable {
    private record Key(RemoteSite site, String sopClassUid) {
    }

    private record Idle(Association association, long since) {
    }

    /** An association lent to one C-FIND: give it back with {@link #release}, or {@link #discard} it. */
    record Lease(Association association, boolean pooled) {
    }

    private final FederationConnector connector;
    private final long idleNanos;
    private final int perSite;
    private final Map<Key, Deque<Idle>> idle = new HashMap<>();
    private boolean closed;

    /** @param idleTimeout zero keeps nothing: every query opens and releases its own association */
    SiteAssociations(FederationConnector connector, Duration idleTimeout, int perSite) {
        this.connector = connector;
        this.idleNanos = idleTimeout.toNanos();
        this.perSite = perSite;
    }

    /** A kept association to {@code site} for {@code sopClassUid} when one is open, else a new one. */
    Lease lease(RemoteSite site, String sopClassUid) throws IOException {
        Key key = new Key(site, sopClassUid);
        List<Association> stale = new ArrayList<>();
        Association kept = null;
        synchronized (this) {
            Deque<Idle> q = idle.get(key);
            long now = System.nanoTime();
            while (q != null && !q.isEmpty()) {
                Idle i = q.pollLast(); // the most recently used: the likeliest still open
                if (i.association().isOpen() && now - i.since() < idleNanos) {
                    kept = i.association();
                    break;
                }
                stale.add(i.association());
            }
        }
        stale.forEach(SiteAssociations::releaseQuietly);
        if (kept != null) {
            return new Lease(kept, true);
        }
        return new Lease(open(site, sopClassUid), false);
    }

    /** A new association, never a kept one (the retry after a kept one failed). */
    Lease fresh(RemoteSite site, String sopClassUid) throws IOException {
        return new Lease(open(site, sopClassUid), false);
    }

    private Association open(RemoteSite site, String sopClassUid) throws IOException {
        AAssociateRQ rq = connector.request(site);
        rq.addPresentationContext(new PresentationContext.RQ(1, sopClassUid, UID.ExplicitVRLittleEndian,
                UID.ImplicitVRLittleEndian));
        return connector.connect(site, rq, null);
    }

    /** The C-FIND is over and the association is fine: kept for the next query (or released). */
    void release(RemoteSite site, String sopClassUid, Association as) {
        if (as.isOpen() && idleNanos > 0) {
            synchronized (this) {
                Deque<Idle> q = idle.computeIfAbsent(new Key(site, sopClassUid), k -> new ArrayDeque<>());
                if (!closed && q.size() < perSite) {
                    q.addLast(new Idle(as, System.nanoTime()));
                    return;
                }
            }
        }
        releaseQuietly(as);
    }

    /** How many associations are kept idle (all sites). */
    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Releases every kept association; later ones given back are released at once. */
    @Override
    public void close() {
        List<Association> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(q -> q.forEach(i -> all.add(i.association())));
            idle.clear();
        }
        all.forEach(SiteAssociations::releaseQuietly);
    }

    private static void releaseQuietly(Association as) {
        if (!as.isOpen()) {
            return;
        }
        try {
            as.release();
        } catch (IOException e) {
            as.abort();
        }
    }
}
