package org.gridpacs.grid.tier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StorageProviders;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.grid.s3.GridFixture;
import org.gridpacs.grid.s3.S3StorageProvider;

/**
 * What the grid tier's tests stand on: a real s3proxy (the grid, prefix {@code archive}), a real H2 index and a
 * home storage {@code node1} in a folder, as one node has them.
 */
final class TierRig implements AutoCloseable {
    final GridFixture grid;
    final S3StorageProvider provider;
    final StorageProviders providers;
    final IndexDatabase db;
    final Storage home;
    final Storage target;
    private final Path storage;
    private final StoreService store;

    TierRig(Path dir) throws Exception {
        grid = new GridFixture(dir.resolve("grid"));
        provider = new S3StorageProvider(grid.settings(), grid.ring(null));
        db = IndexDatabase.openH2(dir.resolve("index"));
        providers = StorageProviders.standard().register(provider);
        storage = dir.resolve("storage");
        home = providers.open("node1", "file:" + storage, false);
        target = providers.open("grid", "s3://" + GridFixture.BUCKET + "/archive", true);
        store = new StoreService(home, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
    }

    /** Stored here as a modality would send it. */
    void store(DataSet ds) throws Exception {
        store.store(StoreRequest.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), "MODALITY"), ds);
    }

    /** CT image {@code n} of {@code study} (one series), no pixels. */
    static DataSet ct(String study, int n, String patientID) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, study + ".3." + n);
        ds.setString(Tag.StudyInstanceUID, VR.UI, study);
        ds.setString(Tag.SeriesInstanceUID, VR.UI, study + ".2");
        ds.setString(Tag.PatientID, VR.LO, patientID);
        ds.setString(Tag.Modality, VR.CS, "CT");
        ds.setInt(Tag.InstanceNumber, VR.IS, n);
        return ds;
    }

    /** The objects in the bucket, whatever their prefix. */
    long gridObjects() throws IOException {
        return org.gridpacs.dicom.testutil.FileTrees.files(grid.server.bucketsFolder()).stream()
                .filter(f -> f.toString().endsWith(".enc")).count();
    }

    /** The files of the home storage (its own hidden ones left out). */
    List<Path> localFiles() throws IOException {
        return org.gridpacs.dicom.testutil.FileTrees.visibleFiles(storage);
    }

    @Override
    public void close() {
        db.close();
        provider.close();
        grid.close();
    }
}
