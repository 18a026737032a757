package org.gridpacs.replication.transfer;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.http.PeerCaller;
import org.gridpacs.pki.Certificates;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.tls.ClusterCrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's certificate acts only as the node it names. The caller of a peer request is the cluster member whose
 * name is its client certificate's subject CN (as {@code ClusterCertificates} issues them), checked again on every
 * request against the cluster CRL (a connection opened before a revocation does not outlive it). The rules:
 * <ul>
 * <li>{@code PUT /peer/instances}: the copy's origin ({@code X-GridPACS-Origin}) is the caller;</li>
 * <li>{@code POST /peer/announcements}: every copy or drop is on one of the caller's own node-local storages (a
 * shared storage's copies are no node's, so no node announces them);</li>
 * <li>every other peer request: the caller is a member.</li>
 * </ul>
 * A request that breaks a rule is answered 403 with the reason, and changes nothing. With cluster TLS off there is
 * no identity: every rule lets everything through, as before.
 */
public final class PeerIdentity implements PeerCaller {
    private static final Logger LOG = LoggerFactory.getLogger(PeerIdentity.class);
    private static final long LOG_INTERVAL_MILLIS = 60_000;

    private final ClusterConfig cluster;
    private final StorageRegistry storages;
    /** Null: identity checks off. */
    private final ClusterCrl crl;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    PeerIdentity(ClusterConfig cluster, StorageRegistry storages, ClusterCrl crl) {
        this.cluster = cluster;
        this.storages = storages;
        this.crl = crl;
    }

    /** The rules for {@code cluster}: on with cluster TLS, off without. */
    public static PeerIdentity of(ClusterConfig cluster, StorageRegistry storages) {
        if (!cluster.tlsEnabled()) {
            return new PeerIdentity(cluster, storages, null);
        }
        try {
            return new PeerIdentity(cluster, storages, ClusterCrl.of(cluster.tls()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the cluster's trust store " + cluster.tls().trustStore() + ": "
                    + e.getMessage(), e);
        }
    }

    /** No checks: every caller may act as any node (tests of other rules, a cluster without TLS). */
    public static PeerIdentity off(StorageRegistry storages) {
        return new PeerIdentity(null, storages, null);
    }

    /** Whether requests are checked (cluster TLS on). */
    public boolean enabled() {
        return crl != null;
    }

    @Override
    public Optional<String> node(Request request) throws Refused {
        if (crl == null) {
            return Optional.empty();
        }
        X509Certificate cert = PeerCaller.certificate(request)
                .orElseThrow(() -> new Refused("no client certificate on this connection"));
        String name = Certificates.commonName(cert);
        String refusal = crl.refusal(cert);
        if (refusal != null) {
            throw new Refused("node " + name + ": " + refusal);
        }
        if (name == null || cluster.members().stream().map(ClusterNode::name).noneMatch(name::equals)) {
            throw new Refused("the client certificate names " + name + ", no member of this cluster");
        }
        return Optional.of(name);
    }

    /** Any peer request: the caller is a member. False when refused (403 sent). */
    boolean allowsMember(Request request, Response response, Callback callback) {
        return caller(request, response, callback) != null;
    }

    /** {@code PUT /peer/instances}: the copy's origin is the caller. False when refused (403 sent). */
    boolean allowsCopy(Request request, Response response, Callback callback) {
        String caller = caller(request, response, callback);
        if (caller == null) {
            return false;
        }
        String origin = request.getHeaders().get(PeerClient.ORIGIN);
        if (caller.isEmpty() || origin == null || origin.equals(caller)) {
            return true; // a missing origin is the handler's 400
        }
        return refuse(request, response, callback, caller, "node " + caller + " may push its own copies only, not a"
                + " copy with " + PeerClient.ORIGIN + " " + origin);
    }

    /**
     * {@code POST /peer/announcements}: every announcement is of a copy on one of the caller's own node-local
     * storages, or on a shared storage (the grid: any node may write it, and the node that made a copy there tells
     * the others). False when refused (403 sent, nothing of the batch applied).
     */
    boolean allowsAnnouncements(Request request, List<Announcement> batch, Response response, Callback callback) {
        String caller = caller(request, response, callback);
        if (caller == null) {
            return false;
        }
        if (caller.isEmpty()) {
            return true;
        }
        for (Announcement a : batch) {
            if (storages.isShared(a.storageId())) {
                continue;
            }
            Optional<String> owner = storages.nodeOf(a.storageId());
            if (owner.isEmpty() || !owner.get().equals(caller)) {
                String whose = owner.map(n -> "node " + n + "'s").orElse(storages.isShared(a.storageId())
                        ? "a shared" : "an unknown");
                return refuse(request, response, callback, caller, "node " + caller + " may announce copies on its own"
                        + " storages only, not on " + whose + " storage " + a.storageId() + " (" + a.kind() + " of "
                        + a.sopInstanceUID() + ")");
            }
        }
        return true;
    }

    /** The calling member, "" when checks are off, null when refused (403 sent). */
    private String caller(Request request, Response response, Callback callback) {
        try {
            return node(request).orElse("");
        } catch (Refused e) {
            refuse(request, response, callback, Request.getRemoteAddr(request), e.getMessage());
            return null;
        }
    }

    private boolean refuse(Request request, Response response, Callback callback, String who, String reason) {
        String key = who + " " + request.getHttpURI().getPath();
        long now = System.currentTimeMillis();
        Long last = lastLogged.get(key);
        if (last == null || now - last >= LOG_INTERVAL_MILLIS) {
            if (lastLogged.size() > 10_000) {
                lastLogged.clear();
            }
            lastLogged.put(key, now);
            LOG.warn("Refused {} {} from {}: {}", request.getMethod(), request.getHttpURI().getPath(),
                    Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request), reason);
        }
        response.setStatus(403);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(PeerClient.REASON, reason.replaceAll("[\\r\\n]", " "));
        Content.Sink.write(response, true, reason + "\n", callback);
        return false;
    }
}
