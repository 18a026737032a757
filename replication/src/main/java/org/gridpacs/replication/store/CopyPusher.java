package org.gridpacs.replication.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.transfer.PeerClient;

/** Makes a copy of one of this node's objects on a peer, and records the peer's copy in this node's index. */
public final class CopyPusher {
    private final String self;
    private final Storage storage;
    private final CopyCatalog catalog;
    private final PeerClient client;

    public CopyPusher(String self, Storage storage, CopyCatalog catalog, PeerClient client) {
        this.self = self;
        this.storage = storage;
        this.catalog = catalog;
        this.client = client;
    }

    /** Returns once the peer's copy is durable and verified (same size and checksum). */
    public void push(ClusterNode peer, StoredObject object, InstanceHeader header, String sourceAET)
            throws IOException, SQLException {
        IndexedInstance.Location origin = new IndexedInstance.Location(self, object.key(), object.size(),
                object.checksum(), "OK");
        PeerClient.PeerCopy copy = client.pushCopy(peer, self, origin, sourceAET, () -> {
            try {
                return storage.open(object.key());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        catalog.addCopy(header, sourceAET, new IndexedInstance.Location(peer.name(), copy.storageKey(), copy.size(),
                copy.checksum(), "OK"));
    }
}
