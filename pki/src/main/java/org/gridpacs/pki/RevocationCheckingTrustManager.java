package org.gridpacs.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PKIX trust in a trust store's anchors (the JDK's checks: chain, signatures, validity, key usage), then the end
 * entity against {@link WatchedRevocationLists}; every refusal is told to a {@link Refusals} listener with the
 * peer's socket (when the JDK gives one), so that a caller can log or audit it by name and address.
 */
public final class RevocationCheckingTrustManager extends X509ExtendedTrustManager {

    /** Told about each certificate refused in a handshake. */
    @FunctionalInterface
    public interface Refusals {
        /** @param chain the peer's chain (may be empty); @param socket the connection, or null */
        void refused(X509Certificate[] chain, String reason, Socket socket);
    }

    private final X509ExtendedTrustManager pkix;
    private final WatchedRevocationLists crls;
    private final Refusals refusals;
    private final boolean advertiseIssuers;

    /**
     * @param advertiseIssuers whether a server names its CAs in its certificate request. Without (false) a client
     *                         whose CA we do not trust still sends its certificate, so that the refusal names who it
     *                         claims to be and why it is refused, instead of an anonymous "empty certificate chain"
     */
    public RevocationCheckingTrustManager(KeyStore anchors, WatchedRevocationLists crls, Refusals refusals,
                                          boolean advertiseIssuers) throws GeneralSecurityException {
        this.pkix = RevocationLists.trustManager(anchors, null);
        this.crls = crls;
        this.refusals = refusals;
        this.advertiseIssuers = advertiseIssuers;
    }

    @FunctionalInterface
    private interface Check {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, Socket socket, Check pkixCheck) throws CertificateException {
        try {
            pkixCheck.run();
            String why = crls.refusal(chain[0]);
            if (why != null) {
                throw new CertificateException(why);
            }
        } catch (CertificateException e) {
            refusals.refused(chain == null ? new X509Certificate[0] : chain, e.getMessage(), socket);
            throw e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, socket, () -> pkix.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, socket, () -> pkix.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, null, () -> pkix.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null, () -> pkix.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return advertiseIssuers ? pkix.getAcceptedIssuers() : new X509Certificate[0];
    }
}
