package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.archive.store.InstanceStored;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store listeners subscribed on the node hear of what C-STORE stored, and of nothing it refused; a listener that
 * throws or blocks changes nothing the sender gets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreListenerNodeTest {
    @TempDir
    Path tmp;

    @Test
    void listenersHearStoredInstancesAndCannotFailTheCStore() throws Exception {
        BlockingQueue<InstanceStored> heard = new LinkedBlockingQueue<>();
        CountDownLatch release = new CountDownLatch(1);
        try (RunningNode node = RunningNode.start(tmp.resolve("node"))) {
            node.archiveNode().storeListeners()
                    .add(e -> {
                        throw new IllegalStateException("a listener's bug");
                    })
                    .add(e -> {
                        try {
                            release.await(); // slow: holds the listeners' thread until the stores are answered
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        }
                    })
                    .add(heard::add);
            DataSet first = SyntheticInstances.ct("LISTEN");
            DataSet second = SyntheticInstances.ct("LISTEN");
            try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
                assertEquals(Status.SUCCESS, RunningNode.store(as, first).status());
                // the data set does not match the command: refused, and not heard of
                byte[] data = RunningNode.encode(second);
                assertEquals(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, as.store(UID.CTImageStorage, "1.2.3.4.5.6",
                        UID.ExplicitVRLittleEndian, out -> out.write(data), null, 0).status());
                assertEquals(Status.SUCCESS, RunningNode.store(as, second).status());
                as.release();
            }
            assertNull(heard.poll(100, TimeUnit.MILLISECONDS), "the slow listener holds the others back, not the store");
            release.countDown();

            InstanceStored e = heard.poll(10, TimeUnit.SECONDS);
            assertNotNull(e);
            assertEquals(first.getString(Tag.SOPInstanceUID), e.sopInstanceUID());
            assertEquals(first.getString(Tag.StudyInstanceUID), e.studyInstanceUID());
            assertEquals(first.getString(Tag.SeriesInstanceUID), e.seriesInstanceUID());
            assertEquals(UID.CTImageStorage, e.sopClassUID());
            assertEquals("CT", e.modality());
            assertEquals("MODALITY", e.callingAETitle());
            assertEquals(RunningNode.AET, e.node());
            assertEquals(InstanceStored.Arrival.NEW_INSTANCE, e.arrival());
            assertEquals(second.getString(Tag.SOPInstanceUID), heard.poll(10, TimeUnit.SECONDS).sopInstanceUID());
            assertNull(heard.poll(200, TimeUnit.MILLISECONDS), "nothing of the refused store");
        }
    }
}
