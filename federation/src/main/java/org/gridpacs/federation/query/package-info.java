/**
 * Federated query (issue 15, item 2; docs/federation.md "Federated query"): {@link
 * org.gridpacs.federation.query.FederatedFindScp} fans a local requester's C-FIND out to our index and every remote
 * site, {@link org.gridpacs.federation.query.RemoteFindScp} answers other sites from our index only, {@link
 * org.gridpacs.federation.query.QueryAudit} records both. The gateway module wires them to the ports.
 */
package org.gridpacs.federation.query;
