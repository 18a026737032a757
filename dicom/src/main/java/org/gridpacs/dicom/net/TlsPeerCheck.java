package org.gridpacs.dicom.net;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;

/**
 * What the TLS handshake cannot decide: whether the certificate a peer presented (already trusted: a CA we trust
 * issued it, no revocation list names it) belongs to the application entity that peer claims to be. An acceptor
 * asks it with the Calling AE Title of the A-ASSOCIATE-RQ, before answering (a refusal is an A-ASSOCIATE-RJ,
 * permanent, calling AE title not recognized); a requestor asks it with the Called AE Title right after the
 * handshake, before sending its request (a refusal closes the connection).
 */
@FunctionalInterface
public interface TlsPeerCheck {
    /**
     * Null to go on; otherwise why this peer may not be {@code aeTitle}, for the log and the exception.
     *
     * @param aeTitle     the AE title the peer claims (acceptor: calling) or is expected to be (requestor: called)
     * @param certificate the peer's end-entity certificate
     * @param peer        the peer's address, for the record
     */
    String refusal(String aeTitle, X509Certificate certificate, SocketAddress peer);
}
