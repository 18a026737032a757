package org.gridpacs.federation.retrieve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which site holds what a relayed retrieve asks for: the same IMAGE-level C-FIND ({@link LocateKeys}) to every
 * site we may retrieve from, all at once over mutual TLS, each within the locate timeout. The site that found the
 * most instances is chosen (a study copied to two sites is taken from the one that has all of it).
 *
 * <p>Why a C-FIND and not the caller's knowledge: a C-MOVE identifier names no site (Retrieve AE Title is a C-FIND
 * answer, not a C-MOVE key), and a viewer may move a study it found long ago or elsewhere. The cost is one
 * association and one answer per instance before the first instance moves; it also gives the SOP classes the C-GET
 * must propose and the count for the first pending response. A site must let us query it (its {@code may-here}
 * includes {@code query}) for us to find anything there.
 */
final class SiteLocator {
    private static final Logger LOG = LoggerFactory.getLogger(SiteLocator.class);
    /**
     * Threads of their own: the common pool has one thread on a 2-core machine, and a site that does not answer
     * would hold up the others' C-FINDs behind it. Daemon threads; idle ones end after a minute.
     */
    private static final ExecutorService ASKING = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "federation-locate");
        t.setDaemon(true);
        return t;
    });

    /** What one site holds of the request. */
    record Location(RemoteSite site, List<LocateKeys.Found> instances) {
    }

    private final List<RemoteSite> sites;
    private final FederationConnector connector;
    private final int timeoutMillis;

    SiteLocator(List<RemoteSite> remotes, FederationConnector connector, int timeoutMillis) {
        this.sites = remotes.stream().filter(s -> s.mayThere(Permission.RETRIEVE)).toList();
        this.connector = connector;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * The site holding most of {@code query}'s instances; null when no site has any and every site answered.
     *
     * @throws DimseException 0xC001 (unable to process), Error Comment "unreachable: SITE-B down", when none of the
     *                        sites that answered has the instances: they may be at a site that could not be asked
     */
    Location locate(DataSet retrieve) throws DimseException, IOException {
        // a bad identifier is the requester's error, whichever site would have seen it
        LocateKeys.locate(retrieve, keys -> List.of());
        Map<RemoteSite, CompletableFuture<List<LocateKeys.Found>>> asked = new LinkedHashMap<>();
        for (RemoteSite site : sites) {
            asked.put(site, CompletableFuture.supplyAsync(() -> {
                try {
                    return find(site, retrieve);
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, ASKING));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Location best = null;
        List<String> unreachable = new ArrayList<>();
        List<String> unreachableNames = new ArrayList<>();
        for (Map.Entry<RemoteSite, CompletableFuture<List<LocateKeys.Found>>> e : asked.entrySet()) {
            RemoteSite site = e.getKey();
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                List<LocateKeys.Found> found = e.getValue().get(left, TimeUnit.NANOSECONDS);
                if (!found.isEmpty() && (best == null || found.size() > best.instances().size())) {
                    best = new Location(site, found);
                }
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                unreachable.add(site + ": no answer within " + timeoutMillis + " ms");
                unreachableNames.add(site.name() + " no answer in " + timeoutMillis + " ms");
            } catch (ExecutionException x) {
                Throwable c = x.getCause() != null && x.getCause().getCause() != null ? x.getCause().getCause() : x.getCause();
                unreachable.add(site + ": " + c.getMessage());
                unreachableNames.add(site.name() + (c instanceof java.net.ConnectException ? " down" : " failed"));
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new DimseException(Status.UNABLE_TO_PROCESS, "interrupted while locating the instances");
            }
        }
        for (String u : unreachable) {
            LOG.warn("Locating a retrieve: {}", u);
        }
        if (best == null && !unreachable.isEmpty()) {
            // the Error Comment is 64 characters at most (LO): the sites' names first, the details in the log
            throw new DimseException(Status.UNABLE_TO_PROCESS, "unreachable: " + String.join(", ", unreachableNames));
        }
        return best;
    }

    private List<LocateKeys.Found> find(RemoteSite site, DataSet retrieve) throws IOException, InterruptedException {
        AAssociateRQ rq = connector.request(site);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelFind,
                UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        try (Association as = connector.connect(site, rq, null)) {
            List<LocateKeys.Found> found = LocateKeys.locate(retrieve, keys -> {
                List<DataSet> matches = new ArrayList<>();
                DimseResponse rsp;
                try {
                    rsp = as.find(UID.StudyRootQueryRetrieveInformationModelFind, keys, matches::add);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
                if (!Status.isSuccess(rsp.status())) {
                    throw new IOException("its C-FIND answered " + rsp.describe());
                }
                return matches;
            });
            as.release();
            return found;
        } catch (DimseException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
