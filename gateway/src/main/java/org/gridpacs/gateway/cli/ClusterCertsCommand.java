package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.gridpacs.pki.KeyType;
import org.gridpacs.replication.tls.ClusterCertificates;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs cluster-certs}: the cluster CA and the nodes' key stores for mutual TLS between nodes. */
@Command(name = "cluster-certs",
        description = {"Make a certificate authority for the cluster and a key store per node, for mutual TLS between "
                + "the nodes (cluster.tls.* in conf/cluster.properties).",
                "Run again with more --nodes to add key stores for new nodes, signed by the same CA; files already "
                        + "there are kept.",
                "With --revoke, revoke nodes' certificates instead: the CA's revocation list (crl.pem in the folder, "
                        + "cluster.tls.crl) lists them, and every node that has the list refuses them."},
        footer = {"", "Examples:", "  pacs cluster-certs --out conf/cluster-tls --nodes node1,node2,node3=10.0.0.13",
                "  pacs cluster-certs --out conf/cluster-tls --revoke node3"})
final class ClusterCertsCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for the files (conf/cluster-tls is where conf/cluster.properties looks).")
    Path out;

    @Option(names = "--nodes", split = ",", paramLabel = "NAME[=HOST]",
            description = "The nodes, each with its own host name or IP address if it differs from --host; with "
                    + "--cluster, names only (default: every cluster.node line).")
    List<String> nodes;

    @Option(names = "--cluster", paramLabel = "FILE",
            description = "Make the files the cluster configuration names (cluster.tls.*), for its nodes and hosts; "
                    + "nothing when it switches cluster TLS off. What scripts/cluster start runs.")
    Path cluster;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Host name or IP address in the certificates of nodes given without one; peers check it "
                    + "against the address they connect to (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--password", paramLabel = "PASSWORD", defaultValue = "changeit",
            description = "Password of every key store (default: ${DEFAULT-VALUE}, as in conf/cluster.properties).")
    String password;

    @Option(names = "--days", paramLabel = "N", defaultValue = "3650",
            description = "Validity of new certificates in days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec",
            description = "Key type of new keys: ec (P-256) or rsa (3072 bits) (default: ${DEFAULT-VALUE}).")
    KeyType keyType;

    @Option(names = "--revoke", split = ",", paramLabel = "NAME",
            description = "Revoke these nodes' certificates (their key stores in the folder): add them to the "
                    + "folder's " + ClusterCertificates.CRL + ", signed by the CA. Nothing is issued.")
    List<String> revoke;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (days < 1) {
            throw new UsageException("--days must be at least 1");
        }
        if (password.isEmpty()) {
            throw new UsageException("--password must not be empty");
        }
        PrintWriter w = spec.commandLine().getOut();
        if (revoke != null) {
            return revoke(w);
        }
        ClusterCertificates.Result r;
        try {
            if (cluster != null) {
                ConfiguredFiles files = ConfiguredFiles.of(cluster, nodes);
                if (files == null) {
                    w.printf("Cluster TLS is off in %s (cluster.tls.enabled = false): no certificates made%n", cluster);
                    return 0;
                }
                r = new ClusterCertificates(files.dir(), files.password(), days, keyType).write(files.hostByNode());
            } else {
                if (out == null || nodes == null) {
                    throw new UsageException("give --out and --nodes, or --cluster FILE");
                }
                r = new ClusterCertificates(out, password.toCharArray(), days, keyType).write(hostByNode());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        w.printf("%s %s: the cluster CA (%s, valid until %s); keep it private and off the nodes, it is needed "
                + "to add nodes later%n", r.caWritten() ? "Wrote" : "Using", r.caKeyStore(),
                r.ca().getSubjectX500Principal().getName(), date(r.ca()));
        w.printf("%s %s: the trust store, for every node%n", r.caWritten() ? "Wrote" : "Using", r.trustStore());
        for (ClusterCertificates.NodeKeyStore n : r.nodes()) {
            w.printf("%s %s: %s, %s, valid until %s%n", n.written() ? "Wrote" : "Kept ", n.file(), n.node(),
                    String.join(" ", hosts(n.certificate())), date(n.certificate()));
        }
        if (cluster == null) {
            w.println("Give each node the trust store and its own key store (in its conf/cluster-tls/); "
                    + "conf/cluster.properties (cluster.tls.*) looks for them there.");
        }
        return 0;
    }

    private int revoke(PrintWriter w) throws Exception {
        Path dir;
        char[] pw;
        if (cluster != null) {
            ConfiguredFiles files = ConfiguredFiles.of(cluster, null);
            if (files == null) {
                throw new UsageException("cluster TLS is off in " + cluster + ": there are no certificates to revoke");
            }
            dir = files.dir();
            pw = files.password();
        } else if (out != null) {
            dir = out;
            pw = password.toCharArray();
        } else {
            throw new UsageException("give --out DIR (the folder of the cluster CA) or --cluster FILE with --revoke");
        }
        ClusterCertificates certs = new ClusterCertificates(dir, pw, days, keyType);
        ClusterCertificates.Revocation last = null;
        for (String node : revoke) {
            try {
                last = certs.revoke(node.trim());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            w.printf("%s %s (certificate serial %s)%n", last.alreadyRevoked() ? "Already revoked:" : "Revoked",
                    last.node(), last.serial().toString(16));
        }
        w.printf("%s lists %d revoked certificate(s), valid until %s.%n", last.crl(), last.revokedCount(),
                LocalDate.ofInstant(last.nextUpdate(), ZoneOffset.UTC));
        w.printf("Copy it to every node's cluster TLS folder (cluster.tls.crl, by default beside %s): running nodes "
                + "read it within a second, no restart. To issue a new certificate for a revoked node, delete its "
                + "key store and run pacs cluster-certs again.%n", ClusterCertificates.TRUST_STORE);
        return 0;
    }

    private Map<String, String> hostByNode() throws UsageException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String item : nodes) {
            String[] nameHost = item.trim().split("=", 2);
            if (m.put(nameHost[0], nameHost.length > 1 ? nameHost[1] : host) != null) {
                throw new UsageException("--nodes names " + nameHost[0] + " twice");
            }
        }
        return m;
    }

    private static List<String> hosts(X509Certificate c) throws java.security.cert.CertificateParsingException {
        return c.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList();
    }

    private static LocalDate date(X509Certificate c) {
        return LocalDate.ofInstant(c.getNotAfter().toInstant(), ZoneOffset.UTC);
    }
}
