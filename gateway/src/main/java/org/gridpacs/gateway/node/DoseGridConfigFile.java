package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.gridpacs.dose.grid.GridConfig;
import org.gridpacs.dose.grid.GridTls;
import org.gridpacs.replication.config.ClusterConfig;

/**
 * Reads the dose compute grid's settings ({@code cluster.dose.grid.*} of conf/cluster.properties) into a
 * {@link GridConfig} for one grid node: a dose worker or the archive node's client. Each machine has one discovery
 * port range and one communication port range; a node takes the first free port of each, so the archive node's
 * client, its worker and extra workers of one machine share them. TLS is the cluster's (cluster.tls.*).
 */
public final class DoseGridConfigFile {
    static final String DISCOVERY_PORTS = "cluster.dose.grid.discoveryPorts";
    static final String COMMUNICATION_PORTS = "cluster.dose.grid.communicationPorts";
    static final String ADDRESSES = "cluster.dose.grid.addresses";
    static final String JOIN_TIMEOUT = "cluster.dose.grid.joinTimeoutSeconds";

    private DoseGridConfigFile() {
    }

    /**
     * @param file    the cluster configuration
     * @param name    the node whose key store (cluster.tls.keyStore with ${node}) and host (cluster.node.NAME) it
     *                uses; an extra worker's name need not be a cluster.node line if {@code host} is given
     * @param host    the address to bind, or null for the host of cluster.node.NAME
     * @param workDir Ignite's work folder for this node
     */
    public static GridConfig load(Path file, String name, String host, Path workDir) throws IOException {
        Properties p = Settings.load(file);
        return from(p, file.toAbsolutePath().getParent(), name, host, workDir);
    }

    static GridConfig from(Properties p, Path confDir, String name, String host, Path workDir) {
        Settings s = new Settings(p, "");
        int[] discovery = range(s, DISCOVERY_PORTS, GridConfig.DEFAULT_DISCOVERY_PORT);
        int[] communication = range(s, COMMUNICATION_PORTS, GridConfig.DEFAULT_COMMUNICATION_PORT);
        if (discovery[1] - discovery[0] != communication[1] - communication[0]) {
            throw new IllegalArgumentException(DISCOVERY_PORTS + " and " + COMMUNICATION_PORTS
                    + " must be ranges of the same size (a node takes one port of each)");
        }
        if (discovery[0] <= communication[1] && communication[0] <= discovery[1]) {
            throw new IllegalArgumentException(DISCOVERY_PORTS + " and " + COMMUNICATION_PORTS + " overlap");
        }
        Set<String> hosts = new LinkedHashSet<>();
        String own = null;
        for (String key : p.stringPropertyNames().stream().filter(k -> k.startsWith("cluster.node.")).sorted().toList()) {
            String h = p.getProperty(key).trim().split("\\s+")[0];
            hosts.add(h);
            if (key.equals("cluster.node." + name)) {
                own = h;
            }
        }
        String bind = host != null ? host : own;
        if (bind == null) {
            throw new IllegalArgumentException("there is no cluster.node." + name + " line to take the dose grid "
                    + "address from: give the worker's address");
        }
        List<String> addresses = new ArrayList<>();
        String listed = s.text(ADDRESSES, "");
        if (!listed.isEmpty()) {
            for (String a : listed.split("\\s*,\\s*")) {
                addresses.add(a);
            }
        } else {
            // every machine of the cluster, on the machines' discovery range
            for (String h : hosts.isEmpty() ? Set.of(bind) : hosts) {
                addresses.add(h + ":" + discovery[0] + ".." + discovery[1]);
            }
        }
        ClusterConfig.Tls tls = ClusterConfigFile.tls(s, confDir, name);
        return new GridConfig(addresses, bind, discovery[0], communication[0], discovery[1] - discovery[0],
                tls == null ? null : new GridTls(tls.keyStore(), tls.keyStorePassword(), tls.trustStore(),
                        tls.trustStorePassword(), tls.crl()),
                workDir, 1000L * s.integer(JOIN_TIMEOUT, (int) (GridConfig.DEFAULT_JOIN_TIMEOUT_MILLIS / 1000), 1, 600));
    }

    /** "47500..47509" or "47500" (one port). */
    private static int[] range(Settings s, String key, int first) {
        String v = s.text(key, first + ".." + (first + GridConfig.DEFAULT_PORT_RANGE));
        String[] w = v.split("\\.\\.");
        if (w.length > 2) {
            throw new IllegalArgumentException(key + " must be a port or FROM..TO, not '" + v + "'");
        }
        int from = ClusterConfigFile.port(key, w[0].trim());
        int to = w.length == 2 ? ClusterConfigFile.port(key, w[1].trim()) : from;
        if (to < from) {
            throw new IllegalArgumentException(key + ": " + to + " is below " + from);
        }
        return new int[] {from, to};
    }
}
