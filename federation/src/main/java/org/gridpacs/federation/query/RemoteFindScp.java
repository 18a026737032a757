package org.gridpacs.federation.query;

import java.io.IOException;
import java.util.Optional;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.PendingMatches;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.audit.Outcome;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-FIND SCP of the federation TLS port: another site's gateway asking. Answered from our own index only, never
 * fanned out again (a query goes one hop: no loops between sites that list each other). A site without
 * {@code may-here = query} gets 0x0124 (Refused: Not Authorized) and a Security Alert is audited; every query
 * answered is audited as a Query.
 */
public final class RemoteFindScp implements Handlers.Find {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteFindScp.class);
    private final FederationSettings settings;
    private final LocalIndex local;
    private final QueryAudit audit;

    public RemoteFindScp(FederationSettings settings, LocalIndex local, QueryAudit audit) {
        this.settings = settings;
        this.local = local;
        this.audit = audit;
    }

    @Override
    public void find(DimseRequest request, DataSet identifier, Handlers.QueryResponder responder)
            throws DimseException, IOException {
        Optional<RemoteSite> site = settings.remoteByAeTitle(request.callingAETitle());
        if (site.isEmpty() || !site.get().mayHere(Permission.QUERY)) {
            String reason = (site.isPresent() ? "site " + site.get().name() : request.callingAETitle())
                    + " may not query here (may-here has no query)";
            LOG.warn("Federation: C-FIND from {} refused: {}", request.callingAETitle(), reason);
            audit.refused(site.orElse(null), request, reason);
            throw new DimseException(Status.NOT_AUTHORIZED, reason);
        }
        IOException[] sendFailure = new IOException[1];
        int[] count = new int[1];
        PendingMatches matches = new PendingMatches(responder);
        try {
            local.find(request.sopClassUID(), FederatedMatches.forwarded(identifier), m -> {
                DataSet out = m.copy();
                // retrieved through our gateway, as the caller's gateway relays to us
                out.setString(Tag.RetrieveAETitle, VR.AE, settings.aeTitle());
                try {
                    count[0]++;
                    return matches.add(out);
                } catch (IOException e) {
                    sendFailure[0] = e;
                    return false;
                }
            });
            if (sendFailure[0] == null) {
                matches.flush();
            }
        } catch (IOException e) {
            sendFailure[0] = e;
        } catch (DimseException e) {
            audit.received(site.get(), request, identifier, Outcome.SERIOUS_FAILURE, e.getMessage());
            throw e;
        }
        if (sendFailure[0] != null) {
            audit.received(site.get(), request, identifier, Outcome.MINOR_FAILURE, "answer not delivered after "
                    + count[0] + " match(es): " + sendFailure[0].getMessage());
            throw sendFailure[0];
        }
        audit.received(site.get(), request, identifier, Outcome.SUCCESS, null);
    }
}
