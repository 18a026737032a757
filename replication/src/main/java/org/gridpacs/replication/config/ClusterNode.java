package org.gridpacs.replication.config;

/**
 * One member of the cluster as configured: its name (by default also the id of its home storage, the storage id
 * of its copies in every node's index: {@link org.gridpacs.archive.storage.StorageRegistry}),
 * its host, and the ports of its DICOM service, its HTTP service (health, peer transfer, DICOMweb) and its
 * membership (Hazelcast) endpoint.
 */
public record ClusterNode(String name, String host, int dicomPort, int httpPort, int membershipPort) {

    public ClusterNode {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,32}")) {
            throw new IllegalArgumentException("a node name is 1 to 32 letters, digits, '-' or '_', not '" + name + "'");
        }
    }

    /** The base URL of its HTTP service. */
    public String httpUrl(boolean tls) {
        return (tls ? "https://" : "http://") + host + ":" + httpPort;
    }
}
