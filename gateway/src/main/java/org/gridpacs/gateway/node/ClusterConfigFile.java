package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;

/** Reads {@code conf/cluster.properties} into a {@link ClusterConfig} for one node; errors name the setting. */
public final class ClusterConfigFile {
    private ClusterConfigFile() {
    }

    /**
     * @param file    the cluster configuration
     * @param self    this node's name
     * @param members the member names, overriding cluster.members (null: as configured)
     */
    public static ClusterConfig load(Path file, String self, List<String> members) throws IOException {
        Properties p = Settings.load(file);
        Path conf = file.toAbsolutePath().getParent();
        return from(p, conf, self, members);
    }

    /**
     * Each configured node's view of the cluster (every {@code cluster.node.<name>} line, or only {@code names}),
     * for tools that act for several nodes, such as {@code pacs cluster-certs --cluster FILE}.
     */
    public static List<ClusterConfig> everyNode(Path file, List<String> names) throws IOException {
        Properties p = Settings.load(file);
        Path conf = file.toAbsolutePath().getParent();
        List<String> all = names != null && !names.isEmpty() ? names : p.stringPropertyNames().stream()
                .filter(k -> k.startsWith("cluster.node.")).map(k -> k.substring("cluster.node.".length()))
                .sorted().toList();
        List<ClusterConfig> out = new ArrayList<>();
        for (String self : all) {
            out.add(from(p, conf, self, all));
        }
        return out;
    }

    /** A member's view of the cluster and the cluster's storages ({@code cluster.storage.*}), from one read. */
    public record Member(ClusterConfig cluster, ClusterStorages storages) {
    }

    /** As {@link #load}, with the storages the same file lists. */
    public static Member loadMember(Path file, String self, List<String> members) throws IOException {
        Properties p = Settings.load(file);
        ClusterConfig cluster = from(p, file.toAbsolutePath().getParent(), self, members);
        return new Member(cluster, ClusterStorages.from(p, cluster));
    }

    static ClusterConfig from(Properties p, Path confDir, String self, List<String> memberNames) {
        Settings s = new Settings(p, "");
        List<String> names = memberNames != null ? memberNames
                : List.of(s.text("cluster.members", "").split("\\s*,\\s*"));
        List<ClusterNode> members = new ArrayList<>();
        for (String name : names) {
            if (name.isBlank()) {
                continue;
            }
            String key = "cluster.node." + name;
            String value = p.getProperty(key);
            if (value == null) {
                throw new IllegalArgumentException("cluster member " + name + " has no " + key + " line");
            }
            String[] w = value.trim().split("\\s+");
            if (w.length < 4 || w.length > 6) {
                throw new IllegalArgumentException(key + " must be 'host DICOM-port HTTP-port membership-port "
                        + "[peer-port [federation-port]]', not '" + value.trim() + "'");
            }
            if (w.length == 6) {
                port(key, w[5]);
            }
            members.add(w.length >= 5
                    ? new ClusterNode(name, w[0], port(key, w[1]), port(key, w[2]), port(key, w[3]), port(key, w[4]))
                    : new ClusterNode(name, w[0], port(key, w[1]), port(key, w[2]), port(key, w[3])));
        }
        if (members.isEmpty()) {
            throw new IllegalArgumentException("cluster.members names no node");
        }
        int rf = s.integer("cluster.replicationFactor", 2, 1, 16);
        int quorum = s.integer("cluster.writeQuorum", Math.min(2, rf), 1, 16);
        ClusterConfig.Tls tls = tls(s, confDir, self);
        return new ClusterConfig(self, members, rf, quorum, s.integer("cluster.repair.intervalSeconds", 60, 1, 86_400),
                s.integer("cluster.repair.copiesPerSecond", 200, 1, 100_000), tls,
                s.integer("cluster.repair.scrubIntervalHours", 24, 1, 24 * 365),
                s.integer("cluster.repair.scrubMegabytesPerSecond", 50, 1, 100_000));
    }

    /**
     * The cluster's TLS files for node {@code self} (cluster.tls.*, ${node} replaced by its name), or null when
     * cluster.tls.enabled is false. The peer transport and the dose grid both use them.
     */
    static ClusterConfig.Tls tls(Settings s, Path confDir, String self) {
        // on unless switched off: the peer endpoints hand out whole studies and accept copies
        if (!s.bool("cluster.tls.enabled", true)) {
            return null;
        }
        Path trustStore = path(s, "cluster.tls.trustStore", "${conf}/cluster-tls/cluster-ca.p12", confDir, self);
        return new ClusterConfig.Tls(
                path(s, "cluster.tls.keyStore", "${conf}/cluster-tls/${node}.p12", confDir, self),
                s.text("cluster.tls.keyStorePassword", "changeit").toCharArray(),
                trustStore, s.text("cluster.tls.trustStorePassword", "changeit").toCharArray(),
                // by default the revocation list beside the trust store, where pacs cluster-certs --revoke writes it
                path(s, "cluster.tls.crl", trustStore.resolveSibling(ClusterConfig.Tls.CRL_FILE).toString(), confDir,
                        self));
    }

    private static Path path(Settings s, String key, String def, Path confDir, String self) {
        return Path.of(s.text(key, def).replace("${conf}", confDir.toString()).replace("${node}", self));
    }

    /**
     * The member's own federation TLS port: the sixth field of its {@code cluster.node.<name>} line (behind the
     * site's federation entry, HAProxy on federation.port), or -1 when the line has none.
     */
    public static int federationPort(Path file, String self) throws IOException {
        String key = "cluster.node." + self;
        String value = Settings.load(file).getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("there is no " + key + " line");
        }
        String[] w = value.trim().split("\\s+");
        return w.length == 6 ? port(key, w[5]) : -1;
    }

    static int port(String key, String v) {
        try {
            int port = Integer.parseInt(v);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a port number");
        }
    }
}
