package org.gridpacs.dose.grid;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a node of the dose compute grid listens and whom it asks to join: a fixed address list (no multicast), this
 * node's own address, and a port range for discovery and one for communication (a node takes the first free port of
 * each, so several nodes of one machine share the ranges). TLS is on unless {@code tls} is null.
 *
 * @param addresses          discovery addresses of the grid's servers, "host:port" or "host:from..to"
 * @param host               the address this node binds and announces (loopback or the cluster network)
 * @param discoveryPort      first discovery port of this node
 * @param communicationPort  first communication port of this node
 * @param portRange          how many ports after each first one a node may take (0: exactly that port)
 * @param tls                the cluster's certificates, or null for plain TCP (loopback tests only)
 * @param workDirectory      Ignite's work folder for this node (it writes marshaller mappings there)
 * @param joinTimeoutMillis  how long a client node waits for a server to answer before giving up
 */
public record GridConfig(List<String> addresses, String host, int discoveryPort, int communicationPort, int portRange,
                         GridTls tls, Path workDirectory, long joinTimeoutMillis) {
    public static final int DEFAULT_DISCOVERY_PORT = 47500;
    public static final int DEFAULT_COMMUNICATION_PORT = 47100;
    /** Room for two archive nodes' clients, their two workers and a few extra workers on one machine. */
    public static final int DEFAULT_PORT_RANGE = 9;
    public static final long DEFAULT_JOIN_TIMEOUT_MILLIS = 10_000;

    public GridConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("the dose grid needs at least one discovery address");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the dose grid needs this node's address");
        }
        checkPort("discovery", discoveryPort, portRange);
        checkPort("communication", communicationPort, portRange);
        if (workDirectory == null) {
            throw new IllegalArgumentException("the dose grid needs a work directory");
        }
        if (joinTimeoutMillis < 1) {
            throw new IllegalArgumentException("join timeout " + joinTimeoutMillis);
        }
    }

    /** One machine: every node on {@code host}, the default ports, the given TLS. */
    public static GridConfig local(String host, GridTls tls, Path workDirectory) {
        return new GridConfig(List.of(host + ":" + DEFAULT_DISCOVERY_PORT + ".." + (DEFAULT_DISCOVERY_PORT
                + DEFAULT_PORT_RANGE)), host, DEFAULT_DISCOVERY_PORT, DEFAULT_COMMUNICATION_PORT, DEFAULT_PORT_RANGE,
                tls, workDirectory, DEFAULT_JOIN_TIMEOUT_MILLIS);
    }

    private static void checkPort(String what, int port, int range) {
        if (port < 1 || range < 0 || port + range > 65535) {
            throw new IllegalArgumentException("bad dose grid " + what + " ports " + port + ".." + (port + range));
        }
    }
}
