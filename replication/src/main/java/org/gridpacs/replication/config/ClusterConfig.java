package org.gridpacs.replication.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cluster as this node sees it in its configuration ({@code conf/cluster.properties}): who it is, the fixed
 * list of members, how many copies each study gets and how many must be durable before a store succeeds, and
 * how repair runs. Read by the gateway; everything in the replication module takes it from here.
 *
 * @param self                 this node's name, one of {@code members}
 * @param members              every member, in configuration order
 * @param replicationFactor    copies each study gets (on distinct nodes), when enough nodes are up
 * @param writeQuorum          durable copies before a C-STORE succeeds, while that many nodes are up
 * @param repairIntervalSeconds how often repair compares this node's index with its peers (also on start and
 *                             whenever a member joins or leaves)
 * @param repairCopiesPerSecond at most this many surplus copies are removed per second by repair and rebalance
 *                             (a node's missing copies are fetched one at a time, not throttled)
 * @param tls                  mutual TLS on the peer transport, or null for plain HTTP on loopback
 * @param scrubIntervalHours   how often every stored copy of this node is read back and its checksum checked
 * @param scrubMegabytesPerSecond how fast the scrub reads, so that it does not crowd out retrieves
 */
public record ClusterConfig(String self, List<ClusterNode> members, int replicationFactor, int writeQuorum,
                            int repairIntervalSeconds, int repairCopiesPerSecond, Tls tls, int scrubIntervalHours,
                            int scrubMegabytesPerSecond) {

    /** With the default scrub: once a day, at 50 MB/s. */
    public ClusterConfig(String self, List<ClusterNode> members, int replicationFactor, int writeQuorum,
                         int repairIntervalSeconds, int repairCopiesPerSecond, Tls tls) {
        this(self, members, replicationFactor, writeQuorum, repairIntervalSeconds, repairCopiesPerSecond, tls, 24, 50);
    }

    /**
     * Key and trust material for mutual TLS between nodes (PKCS#12 files made by {@code scripts/cluster-certs}), and
     * the cluster CA's certificate revocation list ({@code crl}: a peer certificate it lists is refused; no
     * certificate is revoked while the file does not exist).
     */
    public record Tls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword, Path crl) {
        /** The CRL's file name beside the trust store, where {@code pacs cluster-certs --revoke} writes it. */
        public static final String CRL_FILE = "crl.pem";

        /** With the CRL beside the trust store. */
        public Tls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword) {
            this(keyStore, keyStorePassword, trustStore, trustStorePassword, trustStore.resolveSibling(CRL_FILE));
        }
    }

    public ClusterConfig {
        members = List.copyOf(members);
        if (members.stream().noneMatch(n -> n.name().equals(self))) {
            throw new IllegalArgumentException("this node, " + self + ", is not one of the cluster members "
                    + names(members));
        }
        if (members.stream().map(ClusterNode::name).distinct().count() != members.size()) {
            throw new IllegalArgumentException("a node is listed twice in the cluster members " + names(members));
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("cluster.replicationFactor must be at least 1, not " + replicationFactor);
        }
        if (writeQuorum < 1 || writeQuorum > replicationFactor) {
            throw new IllegalArgumentException("cluster.writeQuorum must be between 1 and the replication factor ("
                    + replicationFactor + "), not " + writeQuorum);
        }
    }

    /** This node. */
    public ClusterNode selfNode() {
        return node(self);
    }

    /** The member with this name; IllegalArgumentException when there is none. */
    public ClusterNode node(String name) {
        return members.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cluster member is called " + name));
    }

    /** Every member but this node. */
    public List<ClusterNode> peers() {
        List<ClusterNode> peers = new ArrayList<>(members);
        peers.removeIf(n -> n.name().equals(self));
        return peers;
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    private static List<String> names(List<ClusterNode> nodes) {
        return nodes.stream().map(ClusterNode::name).toList();
    }

    /** For log lines and status pages: name -> host:dicomPort. */
    public Map<String, String> describe() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        members.forEach(n -> m.put(n.name(), n.host() + ":" + n.dicomPort()));
        return m;
    }
}
