package org.gridpacs.http;

import java.security.cert.X509Certificate;
import java.util.Optional;

import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Who calls on the peer connector: the cluster node its client certificate names (mutual TLS). Handlers of the peer
 * endpoints ask it before they change anything, so that a node's certificate acts only as that node. The cluster's
 * rules are replication's ({@code PeerIdentity}); this interface lets lower modules (the dose jobs) ask too.
 */
public interface PeerCaller {
    /** No identity (cluster TLS off): every caller may act as any node. */
    PeerCaller ANYONE = request -> Optional.empty();

    /**
     * The node calling; empty when identity checks are off.
     *
     * @throws Refused when the caller is no node of the cluster (no certificate, a revoked one, an unknown name)
     */
    Optional<String> node(Request request) throws Refused;

    /** The caller may not act as a node of this cluster; the message says why, for a 403's reason. */
    final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * The certificate the client presented on this request's TLS connection (Jetty's {@code SecureRequestCustomizer}
     * puts the session's data on each request); empty on plain HTTP or without a client certificate.
     */
    static Optional<X509Certificate> certificate(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData tls) {
            X509Certificate[] chain = tls.peerCertificates();
            if (chain != null && chain.length > 0) {
                return Optional.of(chain[0]);
            }
        }
        return Optional.empty();
    }
}
