package org.gridpacs.gateway.node;

import java.util.concurrent.ExecutorService;

import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.audit.AuditTrail;
import org.gridpacs.federation.query.LocalIndex;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.FederationSettings;
import org.gridpacs.federation.site.SiteTls;

/**
 * What every federated service gets from the gateway ({@link FederationGateway#registerServices}): the settings,
 * TLS and calls to other sites, the audit trail, and this node's own archive.
 *
 * @param settings   conf/federation.properties: our site, our gateway AE title, the remote sites
 * @param tls        this site's TLS (acceptor and requestor contexts)
 * @param connector  our calls to another site: mutual TLS, its certificate checked, our gateway AE calling
 * @param trail      the audit trail (conf/audit.properties); record never throws
 * @param audit      the audit messages of this site and node
 * @param localIndex our index as the federated query asks it
 * @param query      the archive's query service (C-FIND matching, instance look-ups)
 * @param retrieve   the archive's retrieve service (reading stored instances)
 * @param store      the archive's store (indexed, replicated): for instances received from other sites
 * @param node       this node's settings (AE title, known AEs and their permissions, network timeouts)
 * @param threads    daemon threads for work on other sites' behalf (one task per site per request)
 */
public record FederationContext(FederationSettings settings, SiteTls tls, FederationConnector connector,
                                AuditTrail trail, AuditMessages audit, LocalIndex localIndex, QueryService query,
                                RetrieveService retrieve, InstanceStore store, NodeConfig node,
                                ExecutorService threads) {

    /** The node's DICOM network settings (timeouts, PDU size), which the federation port and calls use too. */
    public NetworkSettings network() {
        return node.network();
    }
}
