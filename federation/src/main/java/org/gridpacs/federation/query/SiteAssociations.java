package org.gridpacs.federation.query;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

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
 * retries once on a {@link #fresh} one when a {@link #kept} association fails before any match came.
 */
final class SiteAssociations implements AutoCloseable {
    private record Key(RemoteSite site, String sopClassUid) {
    }

    private record Idle(Association association, long since) {
    }

    private final FederationConnector connector;
    private final long idleNanos;
    private final int perSite;
    private final Executor releasing;
    private final Map<Key, Deque<Idle>> idle = new HashMap<>();
    private boolean closed;

    /**
     * @param idleTimeout zero keeps nothing: every query opens and releases its own association
     * @param releasing   where associations no longer kept are released (that waits for the site's A-RELEASE-RP,
     *                    which a caller on the association's own reader thread could never read)
     */
    SiteAssociations(FederationConnector connector, Duration idleTimeout, int perSite, Executor releasing) {
        this.connector = connector;
        this.idleNanos = idleTimeout.toNanos();
        this.perSite = perSite;
        this.releasing = releasing;
    }

    /** A kept association to {@code site} for {@code sopClassUid} that is still open, or null. Never blocks. */
    Association kept(RemoteSite site, String sopClassUid) {
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
        stale.forEach(this::releaseLater);
        return kept;
    }

    /** A new association, never a kept one (connection, TLS handshake, negotiation: blocks). */
    Association fresh(RemoteSite site, String sopClassUid) throws IOException {
        return open(site, sopClassUid);
    }

    private Association open(RemoteSite site, String sopClassUid) throws IOException {
        AAssociateRQ rq = connector.request(site);
        rq.addPresentationContext(new PresentationContext.RQ(1, sopClassUid, UID.ExplicitVRLittleEndian,
                UID.ImplicitVRLittleEndian));
        return connector.connect(site, rq, null);
    }

    /**
     * The C-FIND is over and the association is fine: kept for the next query, or released by {@code releasing}.
     * Never blocks: called on the association's reader thread.
     */
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
        releaseLater(as);
    }

    private void releaseLater(Association as) {
        if (!as.isOpen()) {
            return;
        }
        try {
            releasing.execute(() -> releaseQuietly(as));
        } catch (RejectedExecutionException e) {
            as.abort(); // the gateway is stopping
        }
    }

    /** How many associations are kept idle (all sites). */
    synchronized int idleCount() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Releases every kept association; later ones given back are released, not kept. */
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
