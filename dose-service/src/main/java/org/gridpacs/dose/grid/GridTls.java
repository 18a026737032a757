package org.gridpacs.dose.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509CRL;
import java.time.Instant;

import org.apache.ignite.ssl.SslContextFactory;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.RevocationLists;

/**
 * The cluster's TLS material for the compute grid: this node's key store and the cluster CA's trust store (PKCS#12
 * files, the same as the peer transport's cluster.tls.*). Ignite uses it for discovery and communication, and asks
 * every connecting node for a certificate, so a node without one from the cluster CA cannot join. The cluster CA's
 * revocation list ({@code crl}, when the file exists) is read when the grid starts: a revoked node's certificate is
 * refused from then on (a list written later counts after a restart).
 */
public record GridTls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword, Path crl) {

    public GridTls {
        if (keyStore == null || trustStore == null || keyStorePassword == null || trustStorePassword == null) {
            throw new IllegalArgumentException("grid TLS needs a key store, a trust store and their passwords");
        }
    }

    /** With the revocation list where the cluster keeps it: crl.pem beside the trust store. */
    public GridTls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {
        this(keyStore, keyStorePassword, trustStore, trustStorePassword, trustStore.resolveSibling("crl.pem"));
    }

    /** Ignite's factory; fails naming the file when a store is missing (Ignite's own error says less). */
    SslContextFactory factory() {
        for (Path p : new Path[] {keyStore, trustStore}) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("dose grid TLS: cannot read " + p
                        + " (make the cluster's certificates with scripts/cluster-certs)");
            }
        }
        SslContextFactory f = new SslContextFactory();
        f.setKeyStoreFilePath(keyStore.toString());
        f.setKeyStorePassword(keyStorePassword.clone());
        f.setKeyStoreType("PKCS12");
        if (crl != null && Files.exists(crl)) {
            f.setTrustManagers(revocationCheckingTrust());
        } else {
            f.setTrustStoreFilePath(trustStore.toString());
            f.setTrustStorePassword(trustStorePassword.clone());
            f.setTrustStoreType("PKCS12");
        }
        return f;
    }

    /** The CA's trust less what the list revokes; a list that cannot be used stops the grid from starting. */
    private javax.net.ssl.X509ExtendedTrustManager revocationCheckingTrust() {
        try {
            KeyStore trust = KeyStores.load(trustStore, trustStorePassword);
            X509CRL list = RevocationLists.read(crl);
            if (!RevocationLists.issuedBy(list, KeyStores.trusted(trust))) {
                throw new IllegalArgumentException("dose grid TLS: " + crl + " is not signed by the cluster CA in "
                        + trustStore);
            }
            if (list.getNextUpdate() != null && Instant.now().isAfter(list.getNextUpdate().toInstant())) {
                throw new IllegalArgumentException("dose grid TLS: the cluster CRL " + crl + " expired at "
                        + list.getNextUpdate().toInstant());
            }
            return RevocationLists.trustManager(trust, list);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("dose grid TLS: cannot use the cluster CRL " + crl + ": "
                    + e.getMessage(), e);
        }
    }
}
