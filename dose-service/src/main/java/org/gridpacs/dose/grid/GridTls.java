package org.gridpacs.dose.grid;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.ignite.ssl.SslContextFactory;

/**
 * The cluster's TLS material for the compute grid: this node's key store and the cluster CA's trust store (PKCS#12
 * files, the same as the peer transport's cluster.tls.*). Ignite uses it for discovery and communication, and asks
 * every connecting node for a certificate, so a node without one from the cluster CA cannot join.
 */
public record GridTls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {

    public GridTls {
        if (keyStore == null || trustStore == null || keyStorePassword == null || trustStorePassword == null) {
            throw new IllegalArgumentException("grid TLS needs a key store, a trust store and their passwords");
        }
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
        f.setTrustStoreFilePath(trustStore.toString());
        f.setTrustStorePassword(trustStorePassword.clone());
        f.setTrustStoreType("PKCS12");
        return f;
    }
}
