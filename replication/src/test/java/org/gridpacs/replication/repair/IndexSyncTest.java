package org.gridpacs.replication.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.replication.SyntheticInstance;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.transfer.PeerClient;
import org.gridpacs.replication.transfer.PeerHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * node1 brings its view of node2's copies up to date through node2's real peer endpoints: everything at first,
 * then only the bucket where something changed, then nothing.
 */
class IndexSyncTest {
    @TempDir
    Path dir;
    IndexDatabase db1;
    IndexDatabase db2;
    Server server;
    ClusterNode node2;
    final StorageRegistry storages = StorageRegistry.oneLocalPerNode(List.of("node1", "node2"));

    @BeforeEach
    void open() throws Exception {
        db1 = IndexDatabase.openH2(dir.resolve("node1"));
        db2 = IndexDatabase.openH2(dir.resolve("node2"));
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new PeerHandler("node2", new FileSystemStorage("node2", dir.resolve("objects")), storages,
                null, new SqlCopyCatalog(db2), new PeerHandler.Events() {
                    @Override
                    public void copyReceived(String sopInstanceUID, String origin) {
                    }

                    @Override
                    public void studiesChanged(Set<String> studyInstanceUIDs) {
                    }
                }, org.gridpacs.replication.transfer.PeerIdentity.off(storages)));
        server.start();
        node2 = new ClusterNode("node2", "127.0.0.1", 1, 2, 3, connector.getLocalPort());
    }

    @AfterEach
    void close() throws Exception {
        server.stop();
        db1.close();
        db2.close();
    }

    @Test
    void onlyTheBucketsThatDifferAreRead() throws Exception {
        SqlInstanceIndex index2 = new SqlInstanceIndex(db2);
        SqlCopyCatalog catalog1 = new SqlCopyCatalog(db1);
        SqlCopyCatalog catalog2 = new SqlCopyCatalog(db2);
        for (int n = 0; n < 40; n++) {
            DataSet ds = SyntheticInstance.of("1.2.826.0.1.3680043.10.7." + n);
            index2.insert(header(ds), new StoredObject("node2", "k" + n, 100, "crc32c:0000000" + n % 10), "M");
        }
        // a copy node2 keeps on another storage is not node2's to announce
        index2.addLocation("1.2.826.0.1.3680043.10.7.0.1.1", new StoredObject("node1", "x", 100, "crc32c:1"));
        IndexSync sync = new IndexSync(new PeerClient(null), catalog1, storages);

        IndexSync.Result first = sync.syncFrom(node2);
        assertEquals(catalog2.bucketDigests("node2").size(), first.buckets());
        assertEquals(40, first.studies());
        assertEquals(catalog2.bucketDigests("node2"), catalog1.bucketDigests("node2"));
        assertEquals(catalog2.digests("node2"), catalog1.digests("node2"));
        assertTrue(catalog1.bucketDigests("node1").isEmpty());

        index2.removeLocation("node2", "k7");
        IndexSync.Result second = sync.syncFrom(node2);
        assertEquals(new IndexSync.Result(1, 1), second);
        assertFalse(catalog1.copy("node2", "1.2.826.0.1.3680043.10.7.7.1.1").isPresent());
        assertEquals(catalog2.bucketDigests("node2"), catalog1.bucketDigests("node2"));

        assertEquals(new IndexSync.Result(0, 0), sync.syncFrom(node2));
    }

    private static InstanceHeader header(DataSet ds) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DicomOutputStream out = new DicomOutputStream(bytes)) {
            out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
            out.writeDataSet(ds);
            out.finish();
        }
        return InstanceHeader.of(ds, SyntheticInstance.TS, bytes.toByteArray());
    }
}
