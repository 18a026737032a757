package org.gridpacs.archive.retrieve;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.index.IndexedInstance;

/**
 * Reads copies that other nodes hold (the replication module implements it over the peer transport), so that a
 * retrieve on any node serves any instance of the cluster.
 */
@FunctionalInterface
public interface RemoteCopies {
    /** A node alone: every copy it can read is in its own storage. */
    RemoteCopies NONE = location -> null;

    /**
     * Opens the whole stored object of {@code location}, verifying its checksum as it streams (a mismatch is an
     * IOException at the end); null when no known node holds that storage.
     */
    InputStream open(IndexedInstance.Location location) throws IOException;
}
