package org.gridpacs.archive.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.archive.TestArchive;
import org.gridpacs.archive.index.TestInstances;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store listeners hear each stored instance after its commit, through the store the adapters use. */
class StoreListenerTest {
    @TempDir
    Path dir;
    TestArchive archive;
    StoreListeners listeners;
    InstanceStore store;
    final BlockingQueue<InstanceStored> heard = new LinkedBlockingQueue<>();

    final TestInstances.Study study = new TestInstances.Study("P1", "Listener^Test", null, "5.6.7", "20240101",
            "000000", null, null, List.of("CT", "MR"), 2);

    @BeforeEach
    void open() throws Exception {
        archive = new TestArchive(dir);
        listeners = new StoreListeners();
        store = new NotifyingStore(archive.store, listeners, "node1");
    }

    @AfterEach
    void close() {
        listeners.close();
        archive.close();
    }

    private InstanceStored next() throws InterruptedException {
        InstanceStored e = heard.poll(10, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no event within 10 s");
        }
        return e;
    }

    private StoreResult store(DataSet ds) throws Exception {
        return store.store(TestArchive.request(ds), TestArchive.encoded(ds));
    }

    @Test
    void aStoredInstanceIsHeardWithItsUIDsAndWhetherItIsNew() throws Exception {
        listeners.add(heard::add);
        DataSet mr = TestArchive.withPixels(study, 1, 0);
        assertEquals(Status.SUCCESS, store(mr).status());

        InstanceStored e = next();
        assertEquals("5.6.7", e.studyInstanceUID());
        assertEquals(study.seriesUID(1), e.seriesInstanceUID());
        assertEquals(study.sopUID(1, 0), e.sopInstanceUID());
        assertEquals(UID.CTImageStorage, e.sopClassUID());
        assertEquals("MR", e.modality());
        assertEquals("node1", e.node());
        assertEquals("MODALITY", e.callingAETitle());
        assertEquals(InstanceStored.Arrival.NEW_INSTANCE, e.arrival());
        assertTrue(e.isNew());

        store(mr); // sent again: the same object
        assertEquals(InstanceStored.Arrival.DUPLICATE, next().arrival());
    }

    @Test
    void aFailedStoreIsNotHeard() throws Exception {
        listeners.add(heard::add);
        DataSet bad = TestArchive.withPixels(study, 0, 0);
        StoreRequest lying = new StoreRequest(UID.CTImageStorage, "9.9.9", TestInstances.TS, "MODALITY");
        StoreException refused = assertThrows(StoreException.class,
                () -> store.store(lying, TestArchive.encoded(bad)));
        assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, refused.status());

        DataSet different = TestArchive.withPixels(study, 0, 0);
        store(different);
        DataSet sameUidOtherPixels = TestArchive.withPixels(study, 0, 0);
        sameUidOtherPixels.setString(Tag.SeriesDescription, VR.LO, "changed");
        assertEquals(Status.DUPLICATE_SOP_INSTANCE,
                assertThrows(StoreException.class, () -> store(sameUidOtherPixels)).status());
        store(TestArchive.withPixels(study, 0, 1));

        // events keep the order of the stores: the refused ones would stand between these two
        assertEquals(study.sopUID(0, 0), next().sopInstanceUID());
        assertEquals(study.sopUID(0, 1), next().sopInstanceUID());
        assertNull(heard.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void aThrowingListenerDoesNotFailTheStoreNorSilenceTheOthers() throws Exception {
        listeners.add(e -> {
            throw new IllegalStateException("listener bug");
        });
        listeners.add(heard::add);
        for (int i = 0; i < 2; i++) {
            assertEquals(Status.SUCCESS, store(TestArchive.withPixels(study, 0, i)).status());
        }
        assertEquals(study.sopUID(0, 0), next().sopInstanceUID());
        assertEquals(study.sopUID(0, 1), next().sopInstanceUID());
    }

    @Test
    void aSlowListenerDoesNotDelayTheStore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        listeners.add(e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        listeners.add(heard::add);
        long start = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            assertEquals(Status.SUCCESS, store(TestArchive.withPixels(study, 1, i)).status());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5000, "the stores waited for the listener: " + millis + " ms");
        assertNull(heard.poll(100, TimeUnit.MILLISECONDS), "the listeners run in order on their own thread");
        release.countDown();
        assertEquals(study.sopUID(1, 0), next().sopInstanceUID());
        assertEquals(study.sopUID(1, 1), next().sopInstanceUID());
    }

    @Test
    void aFullQueueDropsEventsInsteadOfBlockingTheStore() throws Exception {
        listeners.close();
        listeners = new StoreListeners(1);
        store = new NotifyingStore(archive.store, listeners, "node1");
        CountDownLatch release = new CountDownLatch(1);
        listeners.add(e -> {
            try {
                release.await();
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 2; i++) {
            for (int s = 0; s < 2; s++) {
                assertEquals(Status.SUCCESS, store(TestArchive.withPixels(study, s, i)).status());
            }
        }
        // one event delivering (blocked), one queued, the other two dropped
        assertEquals(2, listeners.dropped());
        release.countDown();
    }

    /** The cluster's store throws this when the write quorum fails: the instance is in this node's index all the same. */
    @Test
    void anInstanceStoredHereWithoutItsQuorumIsHeardAndTheSenderToldOfTheFailure() throws Exception {
        listeners.add(heard::add);
        InstanceStore quorumFails = new InstanceStore() {
            @Override
            public StoreResult store(StoreRequest request, java.io.InputStream data) throws StoreException,
                    java.io.IOException {
                throw new UnconfirmedStoreException(Status.OUT_OF_RESOURCES, "1 copy of 2",
                        archive.store.store(request, data));
            }

            @Override
            public StoreResult store(StoreRequest request, DataSet dataSet) {
                throw new UnsupportedOperationException();
            }
        };
        store = new NotifyingStore(quorumFails, listeners, "node1");
        DataSet ds = TestArchive.withPixels(study, 0, 0);
        assertEquals(Status.OUT_OF_RESOURCES, assertThrows(StoreException.class, () -> store(ds)).status());
        InstanceStored e = next();
        assertEquals(study.sopUID(0, 0), e.sopInstanceUID());
        assertTrue(e.isNew());
    }

    @Test
    void aDataSetStoreIsHeardLikeAStreamedOne() throws Exception {
        listeners.add(heard::add);
        DataSet dose = TestArchive.withPixels(study, 0, 0);
        store.store(StoreRequest.of(dose, TestInstances.TS, "DOSE_SERVICE"), dose);
        InstanceStored e = next();
        assertEquals(study.sopUID(0, 0), e.sopInstanceUID());
        assertEquals("DOSE_SERVICE", e.callingAETitle());
        assertTrue(e.isNew());
    }
}
