package org.gridpacs.federation.retrieve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.dimse.RetrieveScp;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AsyncOperationsWindow;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.audit.TransferAccumulator;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-MOVE and C-GET SCP of the gateway's federation AE (on the node's plain DICOM port): the instances are at another
 * site. {@link SiteLocator} finds the site; one C-GET on a mutual-TLS association to it brings them, and {@link Relay}
 * forwards each as it arrives, to the move destination (an association of its own, as the archive's C-MOVE does) or
 * back to the C-GET requester, with a pending response after each.
 *
 * <p>The C-GET to the site proposes, for each SOP class located, exactly the transfer syntaxes the target accepted:
 * the site sends each instance in one of them (as stored when it can), and the relay copies it through unchanged.
 *
 * <p>Failures: the instances at a site that is down or does not answer the C-FIND in time, or a site that refuses the
 * association or the C-GET, give 0xC001 (unable to process) with an Error Comment naming the site ("SITE-B
 * unreachable: ...", "SITE-B refused: 0x0124 ..."; 64 characters at most, the details in the log); a site that goes
 * away mid-way gives 0xA702 naming it and how many instances went ("SITE-B ended the retrieve after 3/10: ...");
 * a target that refuses instances gives their failed or warning counts and the usual final status (0xB000 when some
 * went, 0xA702 when none did). A C-CANCEL from the requester is passed on to the site.
 */
public final class RelayedRetrieveScp implements Handlers.Retrieve {
    private static final Logger LOG = LoggerFactory.getLogger(RelayedRetrieveScp.class);
    private static final int MAX_PRESENTATION_CONTEXTS = 128;
    /** How many C-STORE sub-operations the site may have outstanding on the C-GET association. */
    private static final int SITE_WINDOW = 4;
    /** Compressed syntaxes a move destination is offered, each in a context of its own, besides uncompressed ones. */
    private static final List<String> COMPRESSED = List.of(UID.JPEGBaseline8Bit, "1.2.840.10008.1.2.4.51",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91",
            "1.2.840.10008.1.2.5");

    private final FederationSettings settings;
    private final ApplicationEntities entities;
    private final Connector destinations;
    private final FederationConnector sites;
    private final SiteLocator locator;
    private final AuditMessages audit;
    private final AuditTrail trail;
    private final RetrieveService localArchive;
    private final Handlers.Retrieve localScp;
    private final InstanceStore cache;

    /** Only other sites' instances: a retrieve of this archive's own goes to its AE, not the federation AE. */
    public RelayedRetrieveScp(FederationSettings settings, RetrieveSettings retrieveSettings,
                              ApplicationEntities entities, Connector destinations, FederationConnector sites,
                              AuditMessages audit, AuditTrail trail) {
        this(settings, retrieveSettings, entities, destinations, sites, audit, trail, null, null, null);
    }

    /**
     * @param entities     the node's known AEs: who may retrieve, where move destinations listen
     * @param destinations the node's plain connector, to the move destinations
     * @param sites        our calls to the other sites over mutual TLS
     * @param localArchive this node's retrieve service, and {@code localScp} its C-MOVE/C-GET SCP: what this archive
     *                     holds itself is served by it, without asking any site (a viewer configured with the
     *                     federation AE alone retrieves local studies through it too); both null: never local
     * @param localStore   the node's store, where relayed instances are kept when {@code federation.retrieve.cache}
     *                     is true (may be null otherwise)
     */
    public RelayedRetrieveScp(FederationSettings settings, RetrieveSettings retrieveSettings,
                              ApplicationEntities entities, Connector destinations, FederationConnector sites,
                              AuditMessages audit, AuditTrail trail, RetrieveService localArchive,
                              Handlers.Retrieve localScp, InstanceStore localStore) {
        if (retrieveSettings.cache() && localStore == null) {
            throw new IllegalArgumentException("federation.retrieve.cache is true but no local store was given");
        }
        this.cache = retrieveSettings.cache() ? localStore : null;
        this.localArchive = localArchive;
        this.localScp = localScp;
        this.settings = settings;
        this.entities = entities;
        this.destinations = destinations;
        this.sites = sites;
        this.locator = new SiteLocator(settings.remotes(), sites, retrieveSettings.locateTimeoutMillis());
        this.audit = audit;
        this.trail = trail;
    }

    @Override
    public void retrieve(DimseRequest request, DataSet identifier, Handlers.RetrieveResponder responder)
            throws DimseException, IOException {
        RetrieveScp.Accepted accepted = RetrieveScp.accept(request, entities);
        // the holding site is asked by C-GET in the request's own information model
        String getClass = accepted.model() == QueryModel.PATIENT_ROOT ? UID.PatientRootQueryRetrieveInformationModelGet
                : UID.StudyRootQueryRetrieveInformationModelGet;
        boolean move = accepted.move();
        ApplicationEntities.KnownAE destination = accepted.destination();
        if (heldHere(accepted.model(), identifier)) {
            localScp.retrieve(request, identifier, responder);
            return;
        }
        SiteLocator.Location location = locator.locate(identifier);
        if (location == null) {
            responder.complete(0, 0, 0, List.of());
            return;
        }
        RemoteSite site = location.site();
        Set<String> classes = new LinkedHashSet<>();
        location.instances().forEach(f -> classes.add(f.sopClassUID()));

        Association target = move ? connectDestination(destination, classes) : request.association();
        String targetName = move ? "move destination " + destination.aeTitle() : "requester " + request.callingAETitle();
        TransferAccumulator transfer = audit.transfer(
                new ActiveParticipant(site.aeTitle(), site.name(), site.host(), false, AuditCode.SOURCE),
                move ? new ActiveParticipant(destination.aeTitle(), null, destination.host(), false, AuditCode.DESTINATION)
                        : new ActiveParticipant(request.callingAETitle(), null, host(request.association().remoteAddress()),
                        true, AuditCode.DESTINATION),
                'C');
        String aborted = null;
        try {
            aborted = relay(request, identifier, responder, site, location, classes, getClass, target, targetName,
                    move, transfer);
        } catch (DimseException | IOException | RuntimeException e) {
            aborted = e.getMessage();
            throw e;
        } finally {
            if (move && target.isOpen()) {
                try {
                    target.release();
                } catch (IOException e) {
                    LOG.warn("Releasing the association to {}: {}", destination.aeTitle(), e.getMessage());
                }
            }
            transfer.finish(aborted, trail);
        }
    }

    /** The C-GET at the site, relayed; returns why it ended early (for the audit record), null when it did not. */
    private String relay(DimseRequest request, DataSet identifier, Handlers.RetrieveResponder responder, RemoteSite site,
                         SiteLocator.Location location, Set<String> classes, String getClass, Association target,
                         String targetName, boolean move, TransferAccumulator transfer)
            throws DimseException, IOException {
        int[] getMessage = {-1};
        Association[] siteAs = new Association[1];
        Relay relay = new Relay(target, targetName, move ? request.callingAETitle() : null, request.messageID(),
                location.instances(), responder, transfer, () -> cancel(siteAs[0], getClass, getMessage[0]), cache,
                site.aeTitle());
        AAssociateRQ rq = siteRequest(site, getClass, classes, target);
        try {
            siteAs[0] = sites.connect(site, rq, new Services().store(relay));
        } catch (IOException e) {
            LOG.warn("Relayed retrieve: site {} cannot be reached: {}", site, e.getMessage());
            throw new DimseException(Status.UNABLE_TO_PROCESS, site.name() + " unreachable: " + e.getMessage(), e);
        }
        Association as = siteAs[0];
        try {
            if (!responder.pending(location.instances().size(), 0, 0, 0)) {
                responder.complete(0, 0, 0, List.of());
                return "cancelled";
            }
            DimseResponse rsp;
            try {
                rsp = as.get(getClass, identifier, p -> {
                    getMessage[0] = p.command().getInt(Tag.MessageIDBeingRespondedTo, -1);
                    relay.sitePending(p);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (IOException e) {
                as.abort(); // the site's instances taken in are still forwarded; nothing more comes
                relay.close();
                if (relay.targetFailure() != null) {
                    throw new IOException(relay.targetFailure(), e);
                }
                LOG.warn("Relayed retrieve: site {} ended the C-GET after {} of {} instances: {}", site, relay.sent(),
                        location.instances().size(), e.getMessage());
                throw new DimseException(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, site.name() + " ended the retrieve after "
                        + relay.sent() + "/" + location.instances().size() + ": " + e.getMessage(), e);
            }
            relay.close(); // the instances still on their way to the target
            if (relay.targetFailure() != null) {
                throw new IOException(relay.targetFailure());
            }
            int status = rsp.status();
            if (!Status.isSuccess(status) && !Status.isWarning(status) && status != Status.CANCEL && relay.sent() == 0) {
                LOG.warn("Relayed retrieve: site {} answered the C-GET with {}", site, rsp.describe());
                throw new DimseException(Status.UNABLE_TO_PROCESS, site.name() + " refused: " + rsp.describe());
            }
            relay.finish(status == Status.CANCEL || responder.isCancelled());
            try {
                as.release();
            } catch (IOException e) {
                LOG.warn("Releasing the association to {}: {}", site, e.getMessage()); // everything came: not a failure
            }
            return status == Status.CANCEL ? "cancelled" : null;
        } finally {
            if (as.isOpen()) {
                as.abort();
            }
            relay.close();
        }
    }

    /** Whether this archive holds what the identifier selects (then it serves it, as its own AE would). */
    private boolean heldHere(QueryModel model, DataSet identifier) throws DimseException {
        if (localArchive == null || localScp == null) {
            return false;
        }
        try {
            return !localArchive.resolve(model, identifier).isEmpty();
        } catch (QueryException e) {
            throw new DimseException(e.status(), e.getMessage(), e);
        }
    }

    private static void cancel(Association as, String getClass, int messageID) {
        if (as == null || messageID < 0) {
            return;
        }
        try {
            as.cancel(as.presentationContextFor(getClass), messageID);
        } catch (IOException e) {
            LOG.warn("Could not cancel the C-GET at {}: {}", as.remoteAETitle(), e.getMessage());
        }
    }

    /**
     * The C-GET association to the site: both retrieve models, and for each SOP class the syntaxes the target
     * accepted (uncompressed ones together, each compressed one in a context of its own), with the SCP role.
     */
    AAssociateRQ siteRequest(RemoteSite site, String getClass, Set<String> classes, Association target) {
        AAssociateRQ rq = sites.request(site);
        // the site may send the next instance while the previous one is still on its way to the target
        rq.userInformation().setAsyncOperationsWindow(new AsyncOperationsWindow(1, SITE_WINDOW));
        rq.addPresentationContext(new PresentationContext.RQ(1, getClass, UID.ExplicitVRLittleEndian,
                UID.ImplicitVRLittleEndian));
        int id = 3;
        for (String cuid : classes) {
            List<String> accepted = target.acceptedTransferSyntaxes(cuid);
            List<String> plain = new ArrayList<>();
            List<String> compressed = new ArrayList<>();
            for (String ts : accepted) {
                (TransferSyntax.of(ts).encapsulated() ? compressed : plain).add(ts);
            }
            List<String[]> contexts = new ArrayList<>();
            if (!plain.isEmpty()) {
                contexts.add(plain.toArray(new String[0]));
            }
            compressed.forEach(ts -> contexts.add(new String[] {ts}));
            for (String[] ts : contexts) {
                if (id > 2 * MAX_PRESENTATION_CONTEXTS - 1) {
                    LOG.warn("More SOP classes and transfer syntaxes than {} presentation contexts: some instances will fail",
                            MAX_PRESENTATION_CONTEXTS);
                    break;
                }
                rq.addPresentationContext(new PresentationContext.RQ(id, cuid, ts));
                id += 2;
            }
            if (!contexts.isEmpty()) {
                rq.userInformation().addRoleSelection(new RoleSelection(cuid, false, true));
            }
        }
        return rq;
    }

    private Association connectDestination(ApplicationEntities.KnownAE destination, Set<String> classes)
            throws DimseException {
        AAssociateRQ rq = new AAssociateRQ(settings.aeTitle(), destination.aeTitle());
        int id = 1;
        for (String cuid : classes) {
            if (id + 2 * COMPRESSED.size() > 2 * MAX_PRESENTATION_CONTEXTS - 1) {
                LOG.warn("More SOP classes than fit in {} presentation contexts: some instances will fail",
                        MAX_PRESENTATION_CONTEXTS);
                break;
            }
            rq.addPresentationContext(new PresentationContext.RQ(id, cuid, UID.ExplicitVRLittleEndian,
                    UID.ImplicitVRLittleEndian));
            id += 2;
            for (String ts : COMPRESSED) {
                rq.addPresentationContext(new PresentationContext.RQ(id, cuid, ts));
                id += 2;
            }
        }
        try {
            return destinations.connect(destination.host(), destination.port(), rq, null);
        } catch (IOException e) {
            throw new DimseException(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, "cannot reach move destination "
                    + destination.aeTitle() + ": " + e.getMessage(), e);
        }
    }

    static String host(SocketAddress address) {
        return address instanceof InetSocketAddress i ? i.getHostString() : address != null ? address.toString() : null;
    }
}
