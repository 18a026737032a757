package org.gridpacs.federation.export;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.federation.audit.ActiveParticipant;
import org.gridpacs.federation.audit.AuditCode;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.Permission;
import org.gridpacs.federation.site.RemoteSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE SCP of the federation port: another site's exports, stored into the local archive (the node's
 * {@link InstanceStore}: indexed, the duplicate policy applied, replicated, the store listeners told) when that
 * site {@code mayHere(SEND)}; else refused with 0x0124 (Not Authorized) and one Security Alert (110113, Use of
 * Restricted Function) per association. The calling AE title was checked against the site's certificate when the
 * association was accepted. The store's origin is the site's AE title.
 */
public final class FederatedStoreScp implements Handlers.Store {
    private static final Logger LOG = LoggerFactory.getLogger(FederatedStoreScp.class);
    private final FederationSettings settings;
    private final InstanceStore store;
    private final AuditMessages audit;
    private final AuditTrail trail;
    /** Associations whose refusal was audited already: one alert per association, not per instance. */
    private final Set<Association> alerted = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    public FederatedStoreScp(FederationSettings settings, InstanceStore store, AuditMessages audit, AuditTrail trail) {
        this.settings = settings;
        this.store = store;
        this.audit = audit;
        this.trail = trail;
    }

    /** Adds the storage SOP classes, in any standard transfer syntax, to the federation port's policy. */
    public static AcceptPolicy accept(AcceptPolicy policy) {
        return policy.accept(UIDs.storageSopClasses(), AcceptPolicy.ANY);
    }

    @Override
    public int store(DimseRequest request, InputStream data) throws DimseException, IOException {
        String calling = request.callingAETitle();
        Optional<RemoteSite> site = settings.remoteByAeTitle(calling);
        if (site.isEmpty() || !site.get().mayHere(Permission.SEND)) {
            String who = site.map(RemoteSite::name).orElse(calling);
            String reason = who + " may not send studies here (federation.remote.<id>.may-here lacks send)";
            refused(request, site.orElse(null), reason);
            throw new DimseException(Status.NOT_AUTHORIZED, reason);
        }
        try {
            return store.store(new StoreRequest(request.sopClassUID(), request.sopInstanceUID(),
                    request.transferSyntaxUID(), calling), data).status();
        } catch (StoreException e) {
            throw new DimseException(e.status(), e.getMessage(), e);
        }
    }

    private void refused(DimseRequest request, RemoteSite site, String reason) {
        Association as = request.association();
        if (!alerted.add(as)) {
            return;
        }
        LOG.warn("Federation: C-STORE from {} refused: {}", request.callingAETitle(), reason);
        String host = as.remoteAddress() instanceof InetSocketAddress a ? a.getHostString() : null;
        ActiveParticipant us = new ActiveParticipant(settings.aeTitle(), settings.siteName(), null, false,
                AuditCode.APPLICATION);
        ActiveParticipant peer = new ActiveParticipant(request.callingAETitle(), site != null ? site.name() : null,
                host, true, AuditCode.SOURCE);
        trail.record(audit.securityAlert(AuditCode.USE_OF_RESTRICTED_FUNCTION, us, peer,
                request.callingAETitle() + (host != null ? "@" + host : ""), reason));
    }
}
