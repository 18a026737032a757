package org.gridpacs.replication.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.transfer.PeerClient;

/** Makes a copy of one of this node's objects on a peer, and records the peer's copy in this node's index. */
public final class CopyPusher {
    private final String self;
    /** This node's home storage, where its new objects are. */
    private final Storage storage;
    private final StorageRegistry storages;
    private final CopyCatalog catalog;
    private final PeerClient client;

    public CopyPusher(String self, Storage storage, StorageRegistry storages, CopyCatalog catalog, PeerClient client) {
        this.self = self;
        this.storage = storage;
        this.storages = storages;
        this.catalog = catalog;
        this.client = client;
    }

    /** Returns once the peer's copy is durable and verified (same size and checksum). */
    public void push(ClusterNode peer, StoredObject object, InstanceHeader header, String sourceAET)
            throws IOException, SQLException {
        IndexedInstance.Location origin = new IndexedInstance.Location(storage.id(), object.key(), object.size(),
                object.checksum(), "OK");
        // the peer records when this node received it, so that every node orders a conflict the same way
        // (this object's time: not that of a conflict's losing copy kept aside here)
        java.time.Instant received = catalog.copy(storage.id(), header.sopInstanceUID())
                .filter(r -> java.util.Objects.equals(r.location().checksum(), object.checksum()))
                .map(CopyCatalog.CopyRecord::received).orElse(null);
        PeerClient.PeerCopy copy = client.pushCopy(peer, self, origin, sourceAET, received, () -> {
            try {
                return storage.open(object.key());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // the peer stored it through its store service: on its home storage
        catalog.addCopy(header, sourceAET, new IndexedInstance.Location(storages.homeOf(peer.name()),
                copy.storageKey(), copy.size(), copy.checksum(), "OK"));
    }
}
