package org.gridpacs.replication.config;

/**
 * One member of the cluster as configured: its name (by default also the id of its home storage, the storage id
 * of its copies in every node's index: {@link org.gridpacs.archive.storage.StorageRegistry}), its host (the address
 * its peers reach it on, and where its peer endpoints listen), and the ports of its DICOM service, its user-facing
 * HTTP service (health, later DICOMweb and the viewer), its membership (Hazelcast) endpoint and its peer endpoints
 * (copies, index news, repair; mutual TLS by default).
 */
public record ClusterNode(String name, String host, int dicomPort, int httpPort, int membershipPort, int peerPort) {

    /** The peer port a configuration line without one gets: the HTTP port plus this. */
    public static final int DEFAULT_PEER_PORT_OFFSET = 1000;

    public ClusterNode {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("a node name is 1 to 32 letters, digits, '-' or '_', not '" + name + "'");
        }
        if (peerPort == httpPort || peerPort == dicomPort || peerPort == membershipPort) {
            throw new IllegalArgumentException("node " + name + ": the peer port " + peerPort
                    + " must differ from its DICOM, HTTP and membership ports");
        }
    }

    /** With the default peer port (HTTP port + {@value #DEFAULT_PEER_PORT_OFFSET}). */
    public ClusterNode(String name, String host, int dicomPort, int httpPort, int membershipPort) {
        this(name, host, dicomPort, httpPort, membershipPort, httpPort + DEFAULT_PEER_PORT_OFFSET);
    }

    /** The base URL of its peer endpoints. */
    public String peerUrl(boolean tls) {
        return (tls ? "https://" : "http://") + host + ":" + peerPort;
    }
}
