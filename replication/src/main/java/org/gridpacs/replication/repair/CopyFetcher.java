package org.gridpacs.replication.repair;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.transfer.PeerClient;

/**
 * Makes this node's copy of an instance another node holds: reads it from that node (checksum-verified as it
 * streams) through this node's store service, so it is stored and indexed exactly as if a modality had sent it.
 */
final class CopyFetcher {
    private final PeerClient client;
    private final StoreService store;

    CopyFetcher(PeerClient client, StoreService store) {
        this.client = client;
        this.store = store;
    }

    /**
     * Returns this node's new copy of what {@code node} holds at {@code from}; IOException when the source or the
     * copy is not right (nothing is kept then).
     */
    StoreResult fetch(IndexedInstance instance, ClusterNode node, IndexedInstance.Location from)
            throws IOException, StoreException {
        try (InputStream in = new BufferedInputStream(client.open(node, from), 64 * 1024)) {
            DataSet meta = FileMetaInformation.read(in);
            StoreRequest request = new StoreRequest(meta.getString(Tag.MediaStorageSOPClassUID),
                    meta.getString(Tag.MediaStorageSOPInstanceUID), meta.getString(Tag.TransferSyntaxUID), null);
            if (!instance.sopInstanceUID().equals(request.sopInstanceUID())) {
                throw new IOException("node " + node.name() + " sent " + request.sopInstanceUID() + " for "
                        + instance.sopInstanceUID());
            }
            return store.store(request, in);
        }
    }
}
