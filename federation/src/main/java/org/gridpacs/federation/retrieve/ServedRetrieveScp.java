package org.gridpacs.federation.retrieve;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.dimse.RetrieveScp;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.audit.TransferAccumulator;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.gridpacs.federation.site.SiteTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-GET and C-MOVE SCP of the federation TLS port: serves this archive's instances to another site, through the
 * archive's own retrieve SCP ({@link RetrieveScp} over the {@link RetrieveService}), for a site whose
 * {@code may-here} includes {@code retrieve}. Any other caller gets 0x0124 (refused: not authorized, PS3.7 C.5) and
 * a Security Alert (Use of Restricted Function) in the audit trail. A C-MOVE's destination may only be the calling
 * site's own gateway AE, reached over mutual TLS (its certificate checked); anything else is 0xA801 (move
 * destination unknown). Each request gives one DICOM Instances Transferred record (R: we are the source).
 */
public final class ServedRetrieveScp implements Handlers.Retrieve {
    private static final Logger LOG = LoggerFactory.getLogger(ServedRetrieveScp.class);
    /** The retrieve SOP classes this SCP answers; add them to the federation acceptor's policy ({@link #accept}). */
    public static final List<String> SOP_CLASSES = List.of(UID.StudyRootQueryRetrieveInformationModelGet,
            UID.PatientRootQueryRetrieveInformationModelGet, UID.StudyRootQueryRetrieveInformationModelMove,
            UID.PatientRootQueryRetrieveInformationModelMove);

    private final FederationSettings settings;
    private final QueryService query;
    private final RetrieveScp archive;
    private final AuditMessages audit;
    private final AuditTrail trail;

    /**
     * @param network the node's network settings; C-MOVE sub-operations go to the destination site with
     *                {@code tls}' requestor side (its certificate checked as for any of our calls)
     */
    public ServedRetrieveScp(SiteTls tls, NetworkSettings network, QueryService query, RetrieveService retrieve,
                             AuditMessages audit, AuditTrail trail) {
        this.settings = tls.settings();
        this.query = query;
        this.audit = audit;
        this.trail = trail;
        Map<String, ApplicationEntities.KnownAE> known = new LinkedHashMap<>();
        for (RemoteSite s : settings.remotes()) {
            known.put(s.aeTitle(), new ApplicationEntities.KnownAE(s.aeTitle(), s.host(), s.port(), false, false,
                    s.mayHere(Permission.RETRIEVE)));
        }
        this.archive = new RetrieveScp(retrieve, new ApplicationEntities(known, false), settings.aeTitle(),
                new Connector(network.withTls(tls.requestorTls())));
    }

    /**
     * Adds the retrieve services to the federation acceptor's policy: the C-GET and C-MOVE models, and every
     * storage SOP class (a C-GET's sub-operations go back on the caller's association, with the SCP role it asks).
     */
    public static AcceptPolicy accept(AcceptPolicy policy) {
        return policy.accept(SOP_CLASSES, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian)
                .accept(org.gridpacs.dicom.data.UIDs.storageSopClasses(), AcceptPolicy.ANY);
    }

    @Override
    public void retrieve(DimseRequest request, DataSet identifier, Handlers.RetrieveResponder responder)
            throws DimseException, IOException {
        String caller = request.callingAETitle();
        Optional<RemoteSite> site = settings.remoteByAeTitle(caller);
        if (site.isEmpty() || !site.get().mayHere(Permission.RETRIEVE)) {
            String reason = (site.isPresent() ? "site " + site.get().name() : caller)
                    + " may not retrieve here (its may-here has no retrieve)";
            trail.record(audit.securityAlert(AuditCode.USE_OF_RESTRICTED_FUNCTION,
                    new ActiveParticipant(settings.aeTitle(), settings.siteName(), null, false, AuditCode.APPLICATION),
                    new ActiveParticipant(caller, site.map(RemoteSite::name).orElse(null),
                            RelayedRetrieveScp.host(request.association().remoteAddress()), true, AuditCode.SOURCE),
                    peerId(request), reason));
            LOG.warn("Refused a retrieve: {}", reason);
            throw new DimseException(Status.NOT_AUTHORIZED, reason);
        }
        RemoteSite from = site.get();
        boolean move = request.command().getInt(Tag.CommandField, 0) == CommandField.C_MOVE_RQ;
        String destAE = move ? request.command().getString(Tag.MoveDestination) : caller;
        if (move && !caller.equals(destAE)) {
            // to a third site would let one site send our patients' images where they were not asked for
            throw new DimseException(Status.MOVE_DESTINATION_UNKNOWN, "a site may move only to its own AE "
                    + caller + ", not " + destAE);
        }
        TransferAccumulator transfer = audit.transfer(
                new ActiveParticipant(settings.aeTitle(), settings.siteName(), null, false, AuditCode.SOURCE),
                new ActiveParticipant(destAE, from.name(), from.host(), !move, AuditCode.DESTINATION), 'R');
        Map<String, LocateKeys.Found> found = located(identifier);
        int[] counts = new int[3];
        List<String> failedUIDs = new ArrayList<>();
        Handlers.RetrieveResponder watching = new Handlers.RetrieveResponder() {
            @Override
            public boolean pending(int remaining, int completed, int failed, int warning) throws IOException {
                return responder.pending(remaining, completed, failed, warning);
            }

            @Override
            public void complete(int completed, int failed, int warning, List<String> failedSOPInstanceUIDs) {
                counts[0] = completed;
                counts[1] = failed;
                counts[2] = warning;
                failedUIDs.addAll(failedSOPInstanceUIDs);
                responder.complete(completed, failed, warning, failedSOPInstanceUIDs);
            }

            @Override
            public void failureComment(String comment) {
                responder.failureComment(comment);
            }

            @Override
            public boolean isCancelled() {
                return responder.isCancelled();
            }
        };
        String aborted = null;
        try {
            archive.retrieve(request, identifier, watching);
        } catch (DimseException | IOException | RuntimeException e) {
            aborted = e.getMessage();
            throw e;
        } finally {
            record(transfer, found, counts, failedUIDs);
            transfer.finish(aborted, trail);
        }
    }

    /**
     * The audit record names each instance sent: those not among the failed, as many as were sent (the archive's
     * SCP reports counts, not which ones went; the instances go in index order, so the first ones are taken).
     */
    private static void record(TransferAccumulator transfer, Map<String, LocateKeys.Found> found, int[] counts,
                               List<String> failedUIDs) {
        Set<String> failed = new HashSet<>(failedUIDs);
        int sent = counts[0] + counts[2];
        for (LocateKeys.Found f : found.values()) {
            if (sent == 0) {
                break;
            }
            if (!failed.contains(f.sopInstanceUID())) {
                transfer.add(f.patientId(), f.patientName(), f.studyInstanceUID(), f.accessionNumber(), f.sopClassUID());
                sent--;
            }
        }
        for (String uid : failedUIDs) {
            transfer.failed("sub-operation failed: " + uid);
        }
    }

    /** Patient, study and accession of each instance asked for: what the audit record names. */
    private Map<String, LocateKeys.Found> located(DataSet identifier) {
        Map<String, LocateKeys.Found> found = new LinkedHashMap<>();
        try {
            for (LocateKeys.Found f : LocateKeys.locate(identifier, keys -> {
                List<DataSet> matches = new ArrayList<>();
                try {
                    query.find(QueryModel.STUDY_ROOT, keys, matches::add);
                } catch (QueryException e) {
                    throw new DimseException(e.status(), e.getMessage(), e);
                }
                return matches;
            })) {
                found.put(f.sopInstanceUID(), f);
            }
        } catch (DimseException | IOException e) {
            LOG.debug("Audit details of a retrieve: {}", e.getMessage()); // the retrieve itself will say what is wrong
        }
        return found;
    }

    private static String peerId(DimseRequest request) {
        SSLSession tls = request.association().tlsSession();
        if (tls != null) {
            try {
                return tls.getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                // no certificate: fall through
            }
        }
        return request.callingAETitle() + "@" + RelayedRetrieveScp.host(request.association().remoteAddress());
    }
}
