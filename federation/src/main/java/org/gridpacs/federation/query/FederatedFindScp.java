package org.gridpacs.federation.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.PendingMatches;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-FIND SCP of the gateway AE on the node's ordinary DICOM port (a local workstation asking, K-PACS style): the
 * query goes at once to every remote site we may query there, each over mutual TLS ({@link SiteQuery}), and to our
 * own index; our matches go out first, then each site's as they arrive, deduplicated by the level's unique key
 * ({@link FederatedMatches}). Every match says Retrieve AE Title = our gateway (we relay the retrieve) and
 * Storage Media File-Set ID = the holding site's gateway AE title.
 *
 * <p>A site that fails or has not finished when {@link QuerySettings#timeout} is up is dropped (its association
 * aborted): the requester gets the other sites' matches and a final status {@link #WARNING_PARTIAL} whose Error
 * Comment names the sites missing ("partial answer, missing SITE-B"; the reasons go to the log and the audit). A bad identifier (A900 from our index) fails the whole query.
 */
public final class FederatedFindScp implements Handlers.Find, AutoCloseable {
    /**
     * The final status when a site is missing from the answer. PS3.4 Table C.4-1 defines no warning for C-FIND;
     * Bxxx is the warning class of PS3.7 Annex C, which requesters (DCMTK, dcm4che) classify as a warning rather
     * than a failure, and 0xB000 is the code other services use for "completed, something failed".
     */
    public static final int WARNING_PARTIAL = 0xB000;
    /** Associations kept idle per site and SOP class: a workstation's queries come one after the other. */
    static final int KEPT_PER_SITE = 4;
    private static final Logger LOG = LoggerFactory.getLogger(FederatedFindScp.class);

    private final String gatewayAeTitle;
    private final LocalIndex local;
    private final Supplier<List<RemoteSite>> sites;
    private final QuerySettings settings;
    private final QueryAudit audit;
    private final Predicate<String> mayQuery;
    private final ExecutorService threads;
    private final SiteAssociations associations;

    /**
     * @param sites    the remote sites (those with {@code may-there = query} are asked)
     * @param mayQuery whether a calling AE title may query here (the node's own list of workstations)
     * @param threads  where associations to the sites are opened and released (they block)
     */
    public FederatedFindScp(String gatewayAeTitle, LocalIndex local, FederationConnector connector,
                            Supplier<List<RemoteSite>> sites, QuerySettings settings, QueryAudit audit,
                            Predicate<String> mayQuery, ExecutorService threads) {
        this.gatewayAeTitle = gatewayAeTitle;
        this.local = local;
        this.sites = sites;
        this.settings = settings;
        this.audit = audit;
        this.mayQuery = mayQuery;
        this.threads = threads;
        this.associations = new SiteAssociations(connector, settings.keepAlive(), KEPT_PER_SITE, threads);
    }

    /** Releases the associations kept open to the remote sites (the gateway's stop). */
    @Override
    public void close() {
        associations.close();
    }

    /** How many associations to remote sites are kept open between queries (tests, status). */
    int keptAssociations() {
        return associations.idleCount();
    }

    @Override
    public void find(DimseRequest request, DataSet identifier, Handlers.QueryResponder responder)
            throws DimseException, IOException {
        if (!mayQuery.test(request.callingAETitle())) {
            throw new DimseException(Status.NOT_AUTHORIZED, request.callingAETitle() + " may not query here");
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        DataSet keys = FederatedMatches.forwarded(identifier);
        BlockingQueue<SiteQuery.Event> events = new LinkedBlockingQueue<>();
        Map<RemoteSite, SiteQuery> running = new LinkedHashMap<>();
        for (RemoteSite site : sites.get()) {
            if (site.mayThere(Permission.QUERY)) {
                SiteQuery q = new SiteQuery(associations, site, request.sopClassUID(), keys, events, threads);
                running.put(site, q);
                q.start();
            }
        }
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try {
            FederatedMatches matches = new FederatedMatches(identifier.getString(Tag.QueryRetrieveLevel),
                    gatewayAeTitle);
            if (!answerLocally(request, keys, matches, responder, problems, missing)) {
                return; // cancelled
            }
            if (!answerFromSites(deadline, events, running, matches, responder, problems, missing)) {
                return;
            }
            if (matches.identityConflicts() > 0) {
                LOG.info("Federated C-FIND from {}: {} match(es) known at another site under another Patient ID or "
                        + "issuer; the first site's kept", request.callingAETitle(), matches.identityConflicts());
            }
        } finally {
            running.values().forEach(SiteQuery::cancel);
            audit.federated(request, identifier, problems.isEmpty() ? null : String.join("; ", problems));
        }
        if (!problems.isEmpty()) {
            LOG.warn("Federated C-FIND from {}: partial answer: {}", request.callingAETitle(), problems);
            // Error Comment is 64 characters at most (LO): the sites' names; the reasons are in the log and audit
            throw new DimseException(WARNING_PARTIAL, "partial answer, missing " + String.join(", ", missing));
        }
    }

    /** Our own index first, so that our copy of a study is the one listed. False when the requester cancelled. */
    private boolean answerLocally(DimseRequest request, DataSet keys, FederatedMatches matches,
                                  Handlers.QueryResponder responder, List<String> problems,
                                  List<String> missing) throws DimseException, IOException {
        IOException[] sendFailure = new IOException[1];
        boolean[] cancelled = new boolean[1];
        PendingMatches ours = new PendingMatches(responder);
        try {
            local.find(request.sopClassUID(), keys, m -> {
                DataSet out = matches.accept(gatewayAeTitle, m);
                try {
                    if (out != null && !ours.add(out)) {
                        cancelled[0] = true;
                        return false;
                    }
                    return true;
                } catch (IOException e) {
                    sendFailure[0] = e;
                    return false;
                }
            });
            // sent before the wait for the sites
            if (sendFailure[0] == null && !cancelled[0] && !ours.flush()) {
                cancelled[0] = true;
            }
        } catch (IOException e) {
            sendFailure[0] = e;
        } catch (DimseException e) {
            if (e.status() == Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS || e.status() == Status.SOP_CLASS_NOT_SUPPORTED) {
                throw e; // the question is wrong, not our index: no site would answer it either
            }
            problems.add("this site's index failed (" + e.getMessage() + ")");
            missing.add("this site");
            if (!ours.flush()) { // what it gave before it failed
                cancelled[0] = true;
            }
        }
        if (sendFailure[0] != null) {
            throw sendFailure[0];
        }
        return !cancelled[0];
    }

    /** The sites' matches as they come, until each has ended or the time is up. False when cancelled. */
    private boolean answerFromSites(long deadline, BlockingQueue<SiteQuery.Event> events,
                                    Map<RemoteSite, SiteQuery> running, FederatedMatches matches,
                                    Handlers.QueryResponder responder, List<String> problems,
                                    List<String> missing) throws IOException {
        Map<RemoteSite, SiteQuery> waiting = new LinkedHashMap<>(running);
        while (!waiting.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            if (responder.isCancelled()) {
                return false;
            }
            SiteQuery.Event e;
            try {
                e = events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the sites", ie);
            }
            if (e == null) {
                continue;
            }
            if (!handle(e, waiting, matches, responder, problems, missing)) {
                return false;
            }
        }
        // matches that came in time from a site still running are sent too; the warning says it was cut short
        waiting.values().forEach(SiteQuery::handOnMatches);
        SiteQuery.Event e;
        while ((e = events.poll()) != null) {
            if (!handle(e, waiting, matches, responder, problems, missing)) {
                return false;
            }
        }
        for (RemoteSite site : waiting.keySet()) {
            problems.add("no answer from " + site.name() + " in " + settings.timeout().toSeconds() + " s");
            missing.add(site.name());
        }
        return true;
    }

    private boolean handle(SiteQuery.Event e, Map<RemoteSite, SiteQuery> waiting, FederatedMatches matches,
                           Handlers.QueryResponder responder, List<String> problems, List<String> missing)
            throws IOException {
        if (e instanceof SiteQuery.Matches m) {
            List<DataSet> out = new ArrayList<>(m.matches().size());
            for (DataSet match : m.matches()) {
                DataSet merged = matches.accept(m.site().aeTitle(), match);
                if (merged != null) {
                    out.add(merged);
                }
            }
            return out.isEmpty() ? !responder.isCancelled() : responder.pending(out);
        }
        SiteQuery.Done d = (SiteQuery.Done) e;
        if (waiting.remove(d.site()) != null && !d.answered()) {
            LOG.warn("Federated C-FIND: site {} failed: {}", d.site(), d.problem());
            problems.add(d.site().name() + " failed (" + d.problem() + ")");
            missing.add(d.site().name());
        }
        return true;
    }
}
