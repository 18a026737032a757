package org.gridpacs.federation.site;

import java.net.SocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Told when a cross-site connection is refused for reasons of trust (unknown CA, revoked or expired certificate,
 * a certificate that does not name the site or AE title claimed, an unknown calling AE). The audit trail implements
 * it (PS3.15 A.5: Security Alert, Node Authentication failure); {@link #LOG} only logs.
 */
@FunctionalInterface
public interface TrustEvents {
    /**
     * @param site   the site concerned: the configured name when known, else what the certificate or the
     *               request claimed, else "unknown"
     * @param reason why, for people
     * @param peer   the peer's address, or null when the TLS layer did not give it
     */
    void refused(String site, String reason, SocketAddress peer);

    /** Logs at WARN, and nothing more. */
    TrustEvents LOG = new TrustEvents() {
        private final Logger log = LoggerFactory.getLogger(TrustEvents.class);

        @Override
        public void refused(String site, String reason, SocketAddress peer) {
            log.warn("Federation: refused {} from {}: {}", site, peer == null ? "an unknown address" : peer, reason);
        }
    };

    /** Tells this, then {@code next}. */
    default TrustEvents andThen(TrustEvents next) {
        return (site, reason, peer) -> {
            refused(site, reason, peer);
            next.refused(site, reason, peer);
        };
    }
}
