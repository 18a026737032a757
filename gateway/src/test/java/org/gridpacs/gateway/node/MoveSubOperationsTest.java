package org.gridpacs.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.AsyncOperationsWindow;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.SyntheticInstances;

/**
 * The C-STORE sub-operations of a C-MOVE, sent one after the other by whichever thread receives the previous
 * response: pending responses counting down, a refused sub-operation counted as failed while the rest go on, a
 * C-CANCEL stopping the run, a destination that aborts mid-move ending it with a failure status without
 * disturbing the next move, and two C-GETs sharing one association.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoveSubOperationsTest {
    private static final int COUNT = 24;

    @TempDir
    Path tmp;
    private DicomServer destination;
    private RunningNode node;
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicInteger storesSeen = new AtomicInteger();
    /** The destination refuses the store with this number (1-based; 0: none). */
    private volatile int refuseAt;
    /** The destination aborts the association at the store with this number (1-based; 0: never). */
    private volatile int abortAt;
    private String studyUID;
    private final List<String> sent = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Services services = new Services().store((rq, data) -> {
            data.readAllBytes();
            int n = storesSeen.incrementAndGet();
            if (n == abortAt) {
                rq.association().abort();
                throw new IOException("aborted by the test destination");
            }
            if (n == refuseAt) {
                return Status.OUT_OF_RESOURCES;
            }
            received.add(rq.sopInstanceUID());
            return Status.SUCCESS;
        });
        destination = new DicomServer(NetworkSettings.DEFAULT, new AcceptPolicy("DEST").accept(AcceptPolicy.ANY,
                AcceptPolicy.ANY), services).start(InetAddress.getLoopbackAddress(), 0);
        node = RunningNode.start(tmp.resolve("node"), "ae.DEST=127.0.0.1:" + destination.port());
        studyUID = org.gridpacs.dicom.Implementation.newUID();
        String seriesUID = org.gridpacs.dicom.Implementation.newUID();
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            for (int i = 1; i <= COUNT; i++) {
                DataSet ds = SyntheticInstances.ct("MOVE", studyUID, seriesUID, i, i);
                assertEquals(Status.SUCCESS, RunningNode.store(as, ds).status());
                sent.add(ds.getString(Tag.SOPInstanceUID));
            }
            as.release();
        }
    }

    @AfterEach
    void stop() {
        node.close();
        destination.close();
    }

    private DataSet studyKeys() {
        DataSet keys = new DataSet();
        keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
        keys.setString(Tag.StudyInstanceUID, VR.UI, studyUID);
        return keys;
    }

    @Test
    void pendingResponsesCountDownAndARefusedSubOperationIsCountedAsFailed() throws Exception {
        refuseAt = 7;
        List<DimseResponse> pendings = new ArrayList<>();
        DimseResponse last;
        try (Association as = node.connectForQuery("VIEWER")) {
            last = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", studyKeys(), pendings::add);
            as.release();
        }
        assertEquals(Status.WARNING_SUB_OPERATIONS_COMPLETE_ONE_OR_MORE_FAILURES, last.status(), last.describe());
        assertEquals(COUNT - 1, last.completed(), last.describe());
        assertEquals(1, last.failed(), last.describe());
        assertEquals(COUNT - 1, received.size());
        assertEquals(COUNT, pendings.size(), "one pending response before the first sub-operation and one after each"
                + " but the last");
        for (int i = 0; i < pendings.size(); i++) {
            DimseResponse p = pendings.get(i);
            assertEquals(COUNT - i, p.remaining(), p.describe());
            assertEquals(i, p.completed() + p.failed() + p.warning(), p.describe());
        }
    }

    @Test
    void cancelStopsTheSubOperations() throws Exception {
        DimseResponse last;
        try (Association as = node.connectForQuery("VIEWER")) {
            int pcid = as.presentationContextFor(UID.StudyRootQueryRetrieveInformationModelMove);
            last = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", studyKeys(), p -> {
                if (p.completed() == 3) {
                    try {
                        as.cancel(pcid, p.command().getInt(Tag.MessageIDBeingRespondedTo, 0));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            as.release();
        }
        assertEquals(Status.CANCEL, last.status(), last.describe());
        assertTrue(last.completed() >= 3 && last.completed() < COUNT, last.describe());
        assertEquals(last.completed(), received.size(), "the destination holds exactly what was counted");
        assertEquals(COUNT - last.completed(), last.remaining(), last.describe());
    }

    /**
     * Two C-GETs at once on one association (asynchronous operations window 2 for the requester, 1 for the node's
     * sub-operations): their sub-operations take turns on the one window, and neither may leave the association's
     * reader waiting for it, or the responses that would free it are never read.
     */
    @Test
    void twoGetsAtOnceOnOneAssociationBothFinish() throws Exception {
        String otherStudy = org.gridpacs.dicom.Implementation.newUID();
        String otherSeries = org.gridpacs.dicom.Implementation.newUID();
        List<String> all = new ArrayList<>(sent);
        try (Association as = node.connectForStore("MODALITY", UID.CTImageStorage)) {
            for (int i = 1; i <= COUNT; i++) {
                DataSet ds = SyntheticInstances.ct("GET2", otherStudy, otherSeries, i, 100 + i);
                assertEquals(Status.SUCCESS, RunningNode.store(as, ds).status());
                all.add(ds.getString(Tag.SOPInstanceUID));
            }
            as.release();
        }
        Set<String> got = ConcurrentHashMap.newKeySet();
        Services services = new Services().store((rq, data) -> {
            data.readAllBytes();
            got.add(rq.sopInstanceUID());
            return Status.SUCCESS;
        });
        AAssociateRQ rq = new AAssociateRQ("VIEWER", RunningNode.AET);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        rq.userInformation().setAsyncOperationsWindow(new AsyncOperationsWindow(2, 1));
        try (Association as = new Connector(NetworkSettings.DEFAULT).connect(RunningNode.HOST, node.port(), rq,
                services)) {
            assertEquals(2, as.maxOperationsInvoked(), "the node accepted two outstanding C-GETs");
            List<CompletableFuture<DimseResponse>> gets = new ArrayList<>();
            for (String study : List.of(studyUID, otherStudy)) {
                DataSet keys = new DataSet();
                keys.setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY");
                keys.setString(Tag.StudyInstanceUID, VR.UI, study);
                gets.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return as.get(UID.StudyRootQueryRetrieveInformationModelGet, keys, p -> { });
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            for (CompletableFuture<DimseResponse> g : gets) {
                DimseResponse last = g.get(45, TimeUnit.SECONDS);
                assertEquals(Status.SUCCESS, last.status(), last.describe());
                assertEquals(COUNT, last.completed(), last.describe());
            }
            as.release();
        }
        assertEquals(Set.copyOf(all), got);
    }

    @Test
    void aDestinationAbortingMidMoveEndsItWithAFailureAndTheNextMoveWorks() throws Exception {
        abortAt = 5;
        DimseResponse last;
        try (Association as = node.connectForQuery("VIEWER")) {
            last = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", studyKeys(), p -> { });
            assertTrue(Status.isFailure(last.status()), last.describe());
            assertEquals(4, received.size());

            // the node goes on serving, on the same association
            abortAt = 0;
            received.clear();
            last = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", studyKeys(), p -> { });
            as.release();
        }
        assertEquals(Status.SUCCESS, last.status(), last.describe());
        assertEquals(COUNT, last.completed());
        assertEquals(Set.copyOf(sent), received);
    }
}
