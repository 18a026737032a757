package org.gridpacs.archive.retrieve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.io.DicomOutputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.junit.jupiter.api.Test;

/**
 * Instances only the grid holds are fetched a few at once ahead of the retrieve, and each reads back as stored;
 * local copies, failed fetches and instances asked for out of order are opened the ordinary way.
 */
class ReadAheadTest {
    private final SlowStore grid = new SlowStore("grid");
    private final SlowStore local = new SlowStore("fs1");
    private final RetrieveService service = new RetrieveService(null, Map.of("grid", grid, "fs1", local),
            RemoteCopies.NONE, Set.of("grid"));

    @Test
    void gridOnlyInstancesAreFetchedSeveralAtOnceAndReadBackAsStored() throws Exception {
        List<IndexedInstance> instances = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            instances.add(i % 6 == 5 ? instance(i, local, "fs1") : instance(i, grid, "grid"));
        }
        try (ReadAhead ahead = service.readAhead(instances)) {
            for (IndexedInstance i : instances) {
                try (StoredInstance s = service.open(i)) {
                    assertEquals(UID.ExplicitVRLittleEndian, s.transferSyntax().uid());
                    assertArrayEquals(dataSetBytes(i), s.dataSet().readAllBytes(), i.sopInstanceUID());
                }
            }
        }
        assertEquals(24, grid.opens.get() + local.opens.get(), "each instance read once");
        assertEquals(4, local.opens.get());
        assertTrue(grid.mostAtOnce.get() > 1 && grid.mostAtOnce.get() <= 8,
                "grid reads at once: " + grid.mostAtOnce.get());
        assertEquals(1, local.mostAtOnce.get(), "local copies are opened when their turn comes");
    }

    @Test
    void aFailedFetchOrAnInstanceAskedOutOfOrderIsOpenedTheOrdinaryWay() throws Exception {
        List<IndexedInstance> instances = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            instances.add(instance(i, grid, "grid"));
        }
        grid.failOnce.add(instances.get(1).locations().get(0).storageKey());
        try (ReadAhead ahead = service.readAhead(instances)) {
            for (int i : new int[] {9, 0, 1, 2, 3, 4, 5, 6, 7, 8}) {
                try (StoredInstance s = service.open(instances.get(i))) {
                    assertArrayEquals(dataSetBytes(instances.get(i)), s.dataSet().readAllBytes());
                }
            }
        }
        // 0 to 8 fetched ahead (9 was asked for first, before its turn, and left the queue); 1's fetch failed
        assertEquals(9 + 2, grid.opens.get(), "9 fetched, the failed one and the one out of order opened again");
    }

    @Test
    void nothingIsLeftRegisteredAfterClose() throws Exception {
        List<IndexedInstance> instances = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            instances.add(instance(i, grid, "grid"));
        }
        service.readAhead(instances).close();
        int before = grid.opens.get();
        try (StoredInstance s = service.open(instances.get(15))) {
            assertArrayEquals(dataSetBytes(instances.get(15)), s.dataSet().readAllBytes());
        }
        assertEquals(before + 1, grid.opens.get(), "opened from the storage, not from a closed read-ahead");
    }

    private static IndexedInstance instance(int n, SlowStore store, String id) throws IOException {
        String sop = "1.2.826.0.1.3680043.99.5." + n;
        byte[] file = file(sop);
        store.objects.put("k" + n, file);
        return new IndexedInstance(sop, UID.CTImageStorage, "1.2.826.0.1.3680043.99.5", "1.2.826.0.1.3680043.99.5.0",
                UID.ExplicitVRLittleEndian, List.of(new IndexedInstance.Location(id, "k" + n, file.length, null, "OK")));
    }

    private static DataSet dataSet(String sop) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, VR.UI, UID.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, VR.UI, sop);
        ds.setString(Tag.PatientID, VR.LO, "AHEAD");
        return ds;
    }

    private static byte[] file(String sop) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(b, 8192);
        out.writeFileMetaInformation(FileMetaInformation.create(UID.CTImageStorage, sop, UID.ExplicitVRLittleEndian, null));
        out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(dataSet(sop));
        out.finish();
        return b.toByteArray();
    }

    private static byte[] dataSetBytes(IndexedInstance i) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream out = new DicomOutputStream(b, 8192);
        out.setTransferSyntax(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        out.writeDataSet(dataSet(i.sopInstanceUID()));
        out.finish();
        return b.toByteArray();
    }

    /** A storage whose reads take 20 ms each, counting how many run at once. */
    private static final class SlowStore implements Storage {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final Set<String> failOnce = ConcurrentHashMap.newKeySet();
        final AtomicInteger opens = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        private final String id;

        SlowStore(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public InputStream open(String key) throws IOException {
            opens.incrementAndGet();
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            if (failOnce.remove(key)) {
                throw new IOException("the grid did not answer (test)");
            }
            byte[] b = objects.get(key);
            if (b == null) {
                throw new NoSuchFileException(key);
            }
            return new ByteArrayInputStream(b);
        }

        @Override
        public StoredObject create(ContentWriter writer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openRange(String key, long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void list(Consumer<StoredObject> visitor) {
        }

        @Override
        public int sweepIncomplete() {
            return 0;
        }
    }

}
