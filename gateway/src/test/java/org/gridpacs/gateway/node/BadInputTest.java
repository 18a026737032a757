package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * What the running node does with objects it must not keep: each gets its failure status, leaves nothing in the
 * index or the storage, and the node goes on serving the same association and the others meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    @TempDir
    Path tmp;
    RunningNode node;

    @BeforeEach
    void startNode() throws IOException {
        node = RunningNode.start(tmp.resolve("node"));
    }

    @AfterEach
    void stopNode() {
        node.close();
    }

    @Test
    void dataSetWithoutSopInstanceUidGetsA900() throws Exception {
        DataSet ds = SyntheticInstances.ct("NO-SOP-UID");
        String iuid = ds.getString(Tag.SOPInstanceUID);
        ds.remove(Tag.SOPInstanceUID); // the C-STORE request still names it (Affected SOP Instance UID)
        refusedWhileOthersStore(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                as -> RunningNode.store(as, UID.CTImageStorage, iuid, RunningNode.encode(ds)));
        assertNotIndexed(ds, iuid);
    }

    @Test
    void dataSetWithoutStudyInstanceUidGetsA900() throws Exception {
        DataSet ds = SyntheticInstances.ct("NO-STUDY-UID");
        ds.remove(Tag.StudyInstanceUID);
        refusedWhileOthersStore(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, as -> RunningNode.store(as, ds));
        assertTrue(node.find("PATIENT", Tag.PatientID, "NO-STUDY-UID").isEmpty());
        assertTrue(node.find("STUDY", Tag.PatientID, "NO-STUDY-UID").isEmpty());
        assertNothingLeftBut(goodStores);
    }

    /** The data set ends inside the value of an element of the header (the last before Pixel Data). */
    @Test
    void dataSetEndingInsideAHeaderElementGetsC000() throws Exception {
        DataSet ds = SyntheticInstances.ct("CUT-IN-HEADER");
        DataSet header = ds.copy();
        header.remove(Tag.PixelData);
        int headerLength = RunningNode.encode(header).length;
        byte[] cut = Arrays.copyOf(RunningNode.encode(ds), headerLength - 1); // Rescale Slope "1 " loses a byte
        refusedWhileOthersStore(Status.CANNOT_UNDERSTAND,
                as -> RunningNode.store(as, UID.CTImageStorage, ds.getString(Tag.SOPInstanceUID), cut));
        assertNotIndexed(ds, ds.getString(Tag.SOPInstanceUID));
    }

    /** The data set ends inside the Pixel Data value: the header parses, the object is still incomplete. */
    @Test
    void dataSetEndingInsidePixelDataGetsC000() throws Exception {
        DataSet ds = SyntheticInstances.ct("CUT-IN-PIXELS");
        byte[] whole = RunningNode.encode(ds);
        byte[] cut = Arrays.copyOf(whole, whole.length - 1000);
        refusedWhileOthersStore(Status.CANNOT_UNDERSTAND,
                as -> RunningNode.store(as, UID.CTImageStorage, ds.getString(Tag.SOPInstanceUID), cut));
        assertNotIndexed(ds, ds.getString(Tag.SOPInstanceUID));
    }

    /**
     * The storage fails under the running node: its folder is replaced by a regular file, so that creating an
     * object fails in the file system (ENOTDIR; as root a read-only folder would not fail). The store gets A700;
     * other associations are served meanwhile, and once the folder is back the same association stores again.
     */
    @Test
    void storageFailureGetsA700AndTheNodeRecoversWithTheStorage() throws Exception {
        try (Association good = node.connectForStore("GOOD", UID.CTImageStorage)) {
            assertEquals(Status.SUCCESS, RunningNode.store(good, SyntheticInstances.ct("BEFORE")).status());
            good.release();
        }
        Path root = node.storageRoot();
        Path away = root.resolveSibling("storage-away");
        Files.move(root, away);
        Files.writeString(root, "a regular file where the storage folder was");
        DataSet lost = SyntheticInstances.ct("DISK-FAILED");
        try (Association as = node.connectForStore("BAD", UID.CTImageStorage)) {
            DimseResponse rsp = RunningNode.store(as, lost);
            assertEquals(Status.OUT_OF_RESOURCES, rsp.status(), rsp.describe());
            // another association is served meanwhile
            assertEquals(1, node.find("STUDY", Tag.PatientID, "BEFORE", Tag.StudyInstanceUID, "").size());
            assertTrue(node.find("STUDY", Tag.PatientID, "DISK-FAILED").isEmpty());

            Files.delete(root);
            Files.move(away, root);
            assertEquals(Status.SUCCESS, RunningNode.store(as, SyntheticInstances.ct("AFTER")).status());
            as.release();
        }
        try (Association other = node.connectForStore("GOOD", UID.CTImageStorage)) {
            assertEquals(Status.SUCCESS, RunningNode.store(other, SyntheticInstances.ct("AFTER-2")).status());
            other.release();
        }
        assertNotIndexed(lost, lost.getString(Tag.SOPInstanceUID), 3);
    }

    @FunctionalInterface
    interface BadStore {
        DimseResponse store(Association as) throws Exception;
    }

    private int goodStores;

    /**
     * Runs {@code bad} on an association of its own while another association keeps storing good instances:
     * the bad store gets {@code status}, the same association then stores a good instance, and every store of
     * the other association succeeds, before, during and after.
     */
    private void refusedWhileOthersStore(int status, BadStore bad) throws Exception {
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        String study = Implementation.newUID();
        String series = Implementation.newUID();
        Association other = node.connectForStore("OTHER", UID.CTImageStorage);
        Throwable[] failure = new Throwable[1];
        stopOthers = false;
        Thread storer = new Thread(() -> {
            try {
                for (int n = 1; !stopOthers; n++) {
                    statuses.add(RunningNode.store(other, SyntheticInstances.ct("OTHER", study, series, n, n)).status());
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "other-association");
        storer.start();
        try {
            awaitCount(statuses, 2);
            try (Association as = node.connectForStore("SENDER", UID.CTImageStorage)) {
                DimseResponse rsp = bad.store(as);
                assertEquals(status, rsp.status(), "status of the bad store: " + rsp.describe());
                assertTrue(rsp.errorComment() != null && !rsp.errorComment().isBlank(), "an error comment says why");
                DimseResponse next = RunningNode.store(as, SyntheticInstances.ct("SAME-ASSOCIATION"));
                assertEquals(Status.SUCCESS, next.status(), "the association goes on: " + next.describe());
                as.release();
            }
            int during = statuses.size();
            awaitCount(statuses, during + 2);
        } finally {
            stopOthers = true;
            storer.join(10_000);
            other.release();
        }
        if (failure[0] != null) {
            throw new AssertionError("the other association failed", failure[0]);
        }
        synchronized (statuses) {
            assertTrue(statuses.stream().allMatch(s -> s == Status.SUCCESS), "other association: " + statuses);
            goodStores = statuses.size() + 1;
        }
        assertEquals(goodStores - 1, node.find("IMAGE", Tag.StudyInstanceUID, study, Tag.SeriesInstanceUID, series,
                Tag.SOPInstanceUID, "").size());
    }

    private volatile boolean stopOthers;

    private static void awaitCount(List<Integer> list, int n) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (list.size() < n) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the other association stored " + list.size() + " instances, not " + n);
            }
            Thread.sleep(5);
        }
    }

    /** C-FIND does not find the instance, and index and storage hold the good instances only. */
    private void assertNotIndexed(DataSet ds, String iuid) throws Exception {
        assertNotIndexed(ds, iuid, goodStores);
    }

    private void assertNotIndexed(DataSet ds, String iuid, int good) throws Exception {
        String study = ds.getString(Tag.StudyInstanceUID);
        String series = ds.getString(Tag.SeriesInstanceUID);
        assertTrue(node.find("IMAGE", Tag.StudyInstanceUID, study, Tag.SeriesInstanceUID, series,
                Tag.SOPInstanceUID, iuid).isEmpty());
        assertTrue(node.find("STUDY", Tag.StudyInstanceUID, study).isEmpty());
        assertTrue(node.find("PATIENT", Tag.PatientID, ds.getString(Tag.PatientID)).isEmpty());
        node.stop();
        assertFalse(node.indexedFiles().stream().anyMatch(f -> f.sopInstanceUID().equals(iuid)));
        assertNothingLeftBut(good);
    }

    /** After the node stops: exactly {@code good} instances in the index, and a file for each, no other file. */
    private void assertNothingLeftBut(int good) throws Exception {
        node.stop();
        assertEquals(good, node.indexRowCounts().get("instance"), "instances in the index");
        List<Path> files = node.storageFiles();
        assertEquals(good, files.size(), "files in storage: " + files);
        List<String> keys = node.indexedFiles().stream().map(f -> node.storageRoot().resolve(f.storageKey()).toString())
                .sorted().toList();
        assertEquals(keys, files.stream().map(Path::toString).sorted().toList(), "every file is an indexed object");
    }
}
