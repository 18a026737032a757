package org.gridpacs.replication.tls;

import java.math.BigInteger;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.gridpacs.pki.Certificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust of the peer connections, both ways (the peer connector checking a client, a node's client checking the
 * peer it calls): the cluster CA alone, less what the cluster CRL revokes ({@link ClusterCrl}, read again when the
 * file changes). A revoked peer is logged once, by node name and certificate serial.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTrustManager.class);
    private final ClusterCrl crl;
    private final Set<BigInteger> logged = ConcurrentHashMap.newKeySet();

    PeerTrustManager(ClusterCrl crl) {
        this.crl = crl;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            crl.trust().checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw said(chain, "calling", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            crl.trust().checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw said(chain, "called", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            crl.trust().checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw said(chain, "calling", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            crl.trust().checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw said(chain, "called", e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            crl.trust().checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw said(chain, "calling", e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            crl.trust().checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw said(chain, "called", e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        try {
            return crl.trust().getAcceptedIssuers();
        } catch (CertificateException e) {
            return new X509Certificate[0];
        }
    }

    /** Logs a revoked peer once (its name and serial); other refusals are the connector's and client's to report. */
    private CertificateException said(X509Certificate[] chain, String role, CertificateException e) {
        if (chain != null && chain.length > 0 && crl.revokes(chain[0]) && logged.add(chain[0].getSerialNumber())) {
            LOG.warn("Refused node {} ({} peer, certificate serial {}): its certificate is revoked by the cluster CRL {}",
                    Certificates.commonName(chain[0]), role, ClusterCrl.serial(chain[0].getSerialNumber()), crl.file());
        }
        return e;
    }
}
