package org.gridpacs.replication.tls;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.KeyType;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.replication.config.ClusterConfig;

/** Test support: a folder made by {@link ClusterCertificates}, and TLS settings and contexts from its files. */
record Pki(Path dir) {
    static final char[] PASSWORD = "changeit".toCharArray();

    /** A new CA in {@code dir} with key stores for these nodes, all on 127.0.0.1 unless given as name=host. */
    static Pki make(Path dir, String... nodes) throws Exception {
        Map<String, String> hosts = new LinkedHashMap<>();
        for (String n : nodes) {
            String[] nameHost = n.split("=");
            hosts.put(nameHost[0], nameHost.length > 1 ? nameHost[1] : "127.0.0.1");
        }
        new ClusterCertificates(dir, PASSWORD, 30, KeyType.EC).write(hosts);
        return new Pki(dir);
    }

    Path keyStore(String node) {
        return dir.resolve(ClusterCertificates.keyStoreName(node));
    }

    Path trustStore() {
        return dir.resolve(ClusterCertificates.TRUST_STORE);
    }

    ClusterConfig.Tls tls(String node) {
        return new ClusterConfig.Tls(keyStore(node), PASSWORD, trustStore(), PASSWORD);
    }

    PeerTls peerTls(String node) throws Exception {
        return PeerTls.load(tls(node));
    }

    KeyStore keys(String node) throws Exception {
        return KeyStores.load(keyStore(node), PASSWORD);
    }

    KeyStore trust() throws Exception {
        return KeyStores.load(trustStore(), PASSWORD);
    }

    /** Keys of {@code keyOwner}'s node (null: no key), trusting {@code trustOwner}'s CA. */
    static SSLContext context(Pki keyOwner, String node, Pki trustOwner) throws Exception {
        return TlsContexts.context(keyOwner == null ? null : keyOwner.keys(node), PASSWORD, trustOwner.trust());
    }
}
