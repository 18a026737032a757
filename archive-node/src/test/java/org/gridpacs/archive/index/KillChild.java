package org.gridpacs.archive.index;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;

import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;

/**
 * Run by {@link KillDurabilityTest} as a separate process, until it is killed.
 * <ul>
 * <li>{@code index DIR}: inserts instances into the index in DIR from four threads, each insert its own
 *     transaction, printing "ACK uid" after each insert has returned (committed).</li>
 * <li>{@code store DIR}: stores instances as the node does (StoreService, a FileSystemStorage with fsync, the
 *     node's index settings), printing "ACK uid checksum" after each store has returned success. Every fortieth store is followed by a different object under an earlier SOP
 *     Instance UID, which replaces the stored one (DuplicatePolicy.REPLACE): its line carries the new checksum.</li>
 * </ul>
 */
public final class KillChild {
    static final String STORAGE_ID = "fs1";

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        try (IndexDatabase db = IndexDatabase.openH2(dir.resolve("index"))) {
            if (args[0].equals("index")) {
                insertUntilKilled(db);
            } else {
                storeUntilKilled(db, dir);
            }
        }
    }

    /** Four threads at once: H2 writes one commit while the others' transactions are under way. */
    private static void insertUntilKilled(IndexDatabase db) throws Exception {
        SqlInstanceIndex index = new SqlInstanceIndex(db);
        TestInstances.Study study = study();
        int threads = 4;
        List<Thread> inserters = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread inserter = new Thread(() -> {
                try {
                    for (int i = first; ; i += threads) {
                        DataSet ds = study.instance(0, i);
                        index.insert(TestInstances.header(ds), TestInstances.object(ds.getString(Tag.SOPInstanceUID)),
                                "KILL");
                        synchronized (System.out) {
                            System.out.println("ACK " + ds.getString(Tag.SOPInstanceUID));
                            System.out.flush();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                    System.exit(1);
                }
            });
            inserters.add(inserter);
            inserter.start();
        }
        for (Thread inserter : inserters) {
            inserter.join();
        }
    }

    private static void storeUntilKilled(IndexDatabase db, Path dir) throws Exception {
        Storage storage = ChecksummingStorage.of(new FileSystemStorage(STORAGE_ID, dir.resolve("storage"), true));
        StoreService store = new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REPLACE);
        TestInstances.Study study = study();
        for (int i = 0; ; i++) {
            store(store, study, i, 0);
            if (i % 40 == 39) {
                store(store, study, i - 20, i); // another object under a stored UID: replaces it
            }
        }
    }

    private static void store(StoreService store, TestInstances.Study study, int instance, int version)
            throws Exception {
        DataSet ds = instance(study, instance, version);
        String uid = ds.getString(Tag.SOPInstanceUID);
        StoreResult result = store.store(new StoreRequest(ds.getString(Tag.SOPClassUID), uid, TestInstances.TS, "KILL"),
                new ByteArrayInputStream(TestInstances.encode(ds)));
        System.out.println("ACK " + uid + " " + result.object().checksum());
        System.out.flush();
    }

    /** An instance with 8 KiB of pixel data; {@code version} changes the pixels (and so the checksum). */
    static DataSet instance(TestInstances.Study study, int instance, int version) {
        DataSet ds = study.instance(0, instance);
        ds.setInt(Tag.Columns, VR.US, 64);
        ds.setInt(Tag.BitsAllocated, VR.US, 16);
        byte[] pixels = new byte[64 * 64 * 2];
        for (int k = 0; k < pixels.length; k++) {
            pixels[k] = (byte) (k * 31 + instance + version * 7);
        }
        ds.setBytes(Tag.PixelData, VR.OW, pixels);
        return ds;
    }

    private static TestInstances.Study study() {
        return new TestInstances.Study("KILL", "Kill^Nine", null, "9.9", "20240101", "000000", null, null,
                List.of("CT"), Integer.MAX_VALUE);
    }
}
