package org.gridpacs.grid.tier;

import java.nio.file.Path;
import java.util.Random;

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
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.grid.s3.GridFixture;
import org.gridpacs.grid.s3.S3StorageProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: migrate (grid copy made, read back, local removed) and restore rates of one study of 100 instances
 * of 1 MB against s3proxy on loopback, no off-site copy beforehand. {@code -Dtest=StudyTieringBenchmark
 * -Dgrid.bench=true}.
 */
@ProcessTest
@EnabledIfSystemProperty(named = "grid.bench", matches = "true")
class StudyTieringBenchmark {
    private static final String STUDY = "1.2.826.0.1.3680043.99.61";

    @Test
    void measure(@TempDir Path dir) throws Exception {
        int n = 100;
        int pixels = 512 * 1024 * 2;
        try (GridFixture grid = new GridFixture(dir.resolve("grid"));
             S3StorageProvider provider = new S3StorageProvider(grid.settings(), grid.ring(null));
             IndexDatabase db = IndexDatabase.openH2(dir.resolve("index"))) {
            StorageProviders providers = StorageProviders.standard().register(provider);
            Storage home = providers.open("node1", "file:" + dir.resolve("storage"), false);
            Storage target = providers.open("grid", "s3://" + GridFixture.BUCKET + "/archive", true);
            StoreService store = new StoreService(home, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
            Random r = new Random(7);
            for (int i = 1; i <= n; i++) {
                DataSet ds = new DataSet();
                ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
                ds.setString(Tag.SOPInstanceUID, VR.UI, STUDY + ".3." + i);
                ds.setString(Tag.StudyInstanceUID, VR.UI, STUDY);
                ds.setString(Tag.SeriesInstanceUID, VR.UI, STUDY + ".2");
                ds.setString(Tag.PatientID, VR.LO, "BENCH");
                ds.setString(Tag.Modality, VR.CS, "CT");
                byte[] px = new byte[pixels];
                r.nextBytes(px);
                ds.setBytes(Tag.PixelData, VR.OW, px);
                store.store(StoreRequest.of(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid(), "MODALITY"), ds);
            }
            double mb = (double) n * pixels / 1e6;
            StudyTiering tiering = new StudyTiering(db, home, target, TierCluster.ALONE).transfers(Integer.getInteger("bench.transfers", 8));
            long t0 = System.nanoTime();
            tiering.migrate(STUDY, TierProgress.NONE);
            double migrate = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            tiering.restore(STUDY, TierProgress.NONE);
            double restore = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            tiering.verify(STUDY, TierProgress.NONE);
            double verify = (System.nanoTime() - t0) / 1e9;
            System.out.printf("BENCH %d instances, %.0f MB: migrate %.1f s (%.1f MB/s), restore %.1f s (%.1f MB/s),"
                    + " verify %.1f s (%.1f MB/s)%n", n, mb, migrate, mb / migrate, restore, mb / restore, verify,
                    mb / verify);
        }
    }
}
