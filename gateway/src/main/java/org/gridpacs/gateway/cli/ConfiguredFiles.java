package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gridpacs.gateway.node.ClusterConfigFile;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.tls.ClusterCertificates;

/**
 * Where a cluster configuration expects its TLS files (cluster.tls.*), in the layout {@link ClusterCertificates}
 * writes: one folder with the trust store and a {@code <node>.p12} per node, one password.
 */
record ConfiguredFiles(Path dir, char[] password, Map<String, String> hostByNode) {

    /** Null when the configuration switches cluster TLS off; UsageException when its layout is not ours. */
    static ConfiguredFiles of(Path clusterFile, List<String> names) throws IOException, UsageException {
        List<ClusterConfig> configs;
        try {
            configs = ClusterConfigFile.everyNode(clusterFile, names);
        } catch (IllegalArgumentException e) {
            throw new UsageException(clusterFile + ": " + e.getMessage());
        }
        if (configs.isEmpty()) {
            throw new UsageException(clusterFile + " describes no node (cluster.node.<name> lines)");
        }
        if (!configs.get(0).tlsEnabled()) {
            return null;
        }
        ClusterConfig.Tls first = configs.get(0).tls();
        Path dir = first.trustStore().toAbsolutePath().getParent();
        if (!first.trustStore().getFileName().toString().equals(ClusterCertificates.TRUST_STORE)
                || !Arrays.equals(first.keyStorePassword(), first.trustStorePassword())) {
            throw new UsageException(clusterFile + ": cluster.tls.* does not name the files pacs cluster-certs makes "
                    + "(<folder>/" + ClusterCertificates.TRUST_STORE + " and <folder>/<node>.p12 with one password); "
                    + "use --out and --nodes");
        }
        Map<String, String> hosts = new LinkedHashMap<>();
        for (ClusterConfig c : configs) {
            Path expected = dir.resolve(ClusterCertificates.keyStoreName(c.self()));
            if (!c.tls().keyStore().toAbsolutePath().equals(expected)) {
                throw new UsageException(clusterFile + ": cluster.tls.keyStore of " + c.self() + " is "
                        + c.tls().keyStore() + ", not " + expected + " as pacs cluster-certs makes it; use --out");
            }
            hosts.put(c.self(), c.selfNode().host());
        }
        return new ConfiguredFiles(dir, first.keyStorePassword(), hosts);
    }
}
