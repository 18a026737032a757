package org.gridpacs.federation.retrieve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.archive.dimse.ApplicationEntities;
import org.gridpacs.archive.dimse.RetrieveScp;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.federation.audit.AuditMessages;
import org.gridpacs.federation.site.FederationConnector;
import org.gridpacs.federation.site.SiteTls;
import org.gridpacs.federation.site.TrustEvents;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.RoleSelection;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditMessage;
import org.gridpacs.federation.audit.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Site A's relay moving and getting a study held only at site B, over real sockets and mutual TLS: what arrives is
 * what site B stores, byte for byte, with a pending response per instance; site B down, or not letting A retrieve,
 * gives a failure naming the site; a destination refusing some instances gives the right counts; each side audits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayedRetrieveTest {
    static final int N = 6;

    @TempDir
    Path tmp;
    TwoSites sites;
    DicomServer dest;
    final Map<String, byte[]> received = new ConcurrentHashMap<>();
    final AtomicInteger stores = new AtomicInteger();
    /** Every how many-th C-STORE the destination refuses (0: none). */
    volatile int refuseEvery;
    /** How long the destination takes per C-STORE (ms). */
    volatile int storeMillis;
    /** Run by the destination at its third C-STORE, before answering it. */
    volatile Runnable atThirdStore;

    @AfterEach
    void stop() {
        if (sites != null) {
            sites.close();
        }
        if (dest != null) {
            dest.close();
        }
    }

    private void start(String bAllowsA) throws Exception {
        dest = new DicomServer(TwoSites.NET, new AcceptPolicy("DEST").accept(AcceptPolicy.ANY, UID.ExplicitVRLittleEndian),
                new Services().store((rq, data) -> {
                    byte[] bytes = data.readAllBytes();
                    if (received.size() == 2 && atThirdStore != null) {
                        atThirdStore.run();
                    }
                    if (storeMillis > 0) {
                        try {
                            Thread.sleep(storeMillis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (refuseEvery > 0 && stores.incrementAndGet() % refuseEvery == 0) {
                        return Status.OUT_OF_RESOURCES;
                    }
                    received.put(rq.sopInstanceUID(), bytes);
                    return Status.SUCCESS;
                })).start(InetAddress.getLoopbackAddress(), 0);
        sites = new TwoSites(tmp, bAllowsA, N, 32, Map.of("DEST", dest.port()));
    }

    private DimseResponse move(List<DimseResponse> pendings) throws Exception {
        AAssociateRQ rq = new AAssociateRQ("VIEWER", TwoSites.A_AE);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.ExplicitVRLittleEndian));
        try (Association as = new Connector(TwoSites.NET).connect("127.0.0.1", sites.relay.port(), rq, null)) {
            DimseResponse rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", sites.studyKeys(),
                    pendings::add);
            as.release();
            return rsp;
        }
    }

    @Test
    void aStudyHeldAtSiteBIsMovedThroughTheRelayAsStored() throws Exception {
        start("query, retrieve");
        List<DimseResponse> pendings = new CopyOnWriteArrayList<>();
        DimseResponse rsp = move(pendings);
        assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
        assertEquals(N, rsp.completed());
        assertEquals(0, rsp.failed());
        // the first pending response announces them all, then one per instance but the last
        assertEquals(N, pendings.size(), pendings.toString());
        assertEquals(N, pendings.get(0).remaining());
        assertEquals(1, pendings.get(N - 1).remaining());
        assertEquals(N - 1, pendings.get(N - 1).completed());
        List<IndexedInstance> atB = sites.studyAtB();
        assertEquals(N, atB.size());
        for (IndexedInstance i : atB) {
            assertArrayEquals(sites.storedBytes(i), received.get(i.sopInstanceUID()), i.sopInstanceUID());
        }
        List<AuditMessage> a = sites.events(sites.auditA, AuditEvent.INSTANCES_TRANSFERRED);
        assertEquals(1, a.size(), "one record for the association at A: " + sites.auditA);
        assertEquals(Outcome.SUCCESS, a.get(0).outcome());
        assertEquals('C', a.get(0).actionCode());
        assertTrue(a.get(0).toString().contains(sites.studyUID), a.get(0).toString());
        List<AuditMessage> b = sites.events(sites.auditB, AuditEvent.INSTANCES_TRANSFERRED);
        assertEquals(1, b.size(), "one record at B: " + sites.auditB);
        assertEquals('R', b.get(0).actionCode());
    }

    @Test
    void aStudyHeldAtSiteBIsGotThroughTheRelayOnTheRequestersAssociation() throws Exception {
        start("query, retrieve");
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        AAssociateRQ rq = new AAssociateRQ("VIEWER", TwoSites.A_AE);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelGet,
                UID.ExplicitVRLittleEndian));
        rq.addPresentationContext(new PresentationContext.RQ(3, UID.CTImageStorage, UID.ExplicitVRLittleEndian));
        rq.userInformation().addRoleSelection(new RoleSelection(UID.CTImageStorage, false, true));
        List<DimseResponse> pendings = new CopyOnWriteArrayList<>();
        DimseResponse rsp;
        try (Association as = new Connector(TwoSites.NET).connect("127.0.0.1", sites.relay.port(), rq,
                new Services().store((r, data) -> {
                    got.put(r.sopInstanceUID(), data.readAllBytes());
                    return Status.SUCCESS;
                }))) {
            rsp = as.get(UID.StudyRootQueryRetrieveInformationModelGet, sites.studyKeys(), pendings::add);
            as.release();
        }
        assertEquals(Status.SUCCESS, rsp.status(), rsp.describe());
        assertEquals(N, rsp.completed());
        for (IndexedInstance i : sites.studyAtB()) {
            assertArrayEquals(sites.storedBytes(i), got.get(i.sopInstanceUID()), i.sopInstanceUID());
        }
        assertEquals(N, pendings.get(0).remaining());
    }

    @Test
    void withTheCacheOnARelayedStudyIsKeptAndNextServedHereWithoutAskingAnySite() throws Exception {
        start("query, retrieve");
        IndexDatabase dbA = IndexDatabase.openH2(tmp.resolve("archive-a/index"));
        try {
            FileSystemStorage storage = new FileSystemStorage("a1", tmp.resolve("archive-a/storage"), false);
            StoreService storeA = new StoreService(storage, new SqlInstanceIndex(dbA), DuplicatePolicy.REJECT);
            RetrieveService retrieveA = new RetrieveService(new QueryService(dbA, "PACS"), Map.of(storage.id(), storage));
            ApplicationEntities known = new ApplicationEntities(Map.of("DEST", new ApplicationEntities.KnownAE("DEST",
                    "127.0.0.1", dest.port(), false, false, false)), true);
            RelayedRetrieveScp relayed = new RelayedRetrieveScp(sites.aSettings, new RetrieveSettings(10_000, true),
                    known, new Connector(TwoSites.NET),
                    new FederationConnector(SiteTls.load(sites.aSettings, TrustEvents.LOG), TwoSites.NET),
                    new AuditMessages("SITE-A", "FEDERATION@test"), sites.auditA::add, retrieveA,
                    new RetrieveScp(retrieveA, known, "PACS", new Connector(TwoSites.NET)), storeA);
            sites.relay.close();
            sites.relay = new DicomServer(TwoSites.NET, new AcceptPolicy(TwoSites.A_AE).accept(
                    UID.StudyRootQueryRetrieveInformationModelMove, UID.ExplicitVRLittleEndian),
                    new Services().move(relayed)).start(InetAddress.getLoopbackAddress(), 0);

            DimseResponse first = move(new CopyOnWriteArrayList<>());
            assertEquals(Status.SUCCESS, first.status(), first.describe());
            assertEquals(1, sites.events(sites.auditA, AuditEvent.INSTANCES_TRANSFERRED).size());
            List<IndexedInstance> kept = retrieveA.resolve(QueryModel.STUDY_ROOT, sites.studyKeys());
            assertEquals(N, kept.size(), "kept in site A's archive");

            sites.stopSiteB();
            received.clear();
            DimseResponse second = move(new CopyOnWriteArrayList<>());
            assertEquals(Status.SUCCESS, second.status(), second.describe());
            assertEquals(N, second.completed());
            for (IndexedInstance i : sites.studyAtB()) {
                assertArrayEquals(sites.storedBytes(i), received.get(i.sopInstanceUID()), "served from A's copy");
            }
            assertEquals(1, sites.events(sites.auditA, AuditEvent.INSTANCES_TRANSFERRED).size(), "nothing came from a site");
        } finally {
            dbA.close();
        }
    }

    @Test
    void aCancelFromTheRequesterIsPassedOnAndEndsTheMoveEarly() throws Exception {
        start("query, retrieve");
        storeMillis = 300;
        AAssociateRQ rq = new AAssociateRQ("VIEWER", TwoSites.A_AE);
        rq.addPresentationContext(new PresentationContext.RQ(1, UID.StudyRootQueryRetrieveInformationModelMove,
                UID.ExplicitVRLittleEndian));
        DimseResponse rsp;
        try (Association as = new Connector(TwoSites.NET).connect("127.0.0.1", sites.relay.port(), rq, null)) {
            AtomicInteger seen = new AtomicInteger();
            rsp = as.move(UID.StudyRootQueryRetrieveInformationModelMove, "DEST", sites.studyKeys(), p -> {
                if (seen.incrementAndGet() == 2) { // after the first instance
                    try {
                        as.cancel(1, p.command().getInt(org.gridpacs.dicom.data.Tag.MessageIDBeingRespondedTo, 0));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            as.release();
        }
        assertEquals(Status.CANCEL, rsp.status(), rsp.describe());
        assertTrue(rsp.completed() < N && rsp.completed() >= 1, rsp.describe());
        assertTrue(rsp.remaining() > 0, rsp.describe());
        assertEquals(rsp.completed(), received.size());
    }

    @Test
    void siteBGoingAwayMidwayFailsTheMoveNamingItAndHowManyWent() throws Exception {
        start("query, retrieve");
        atThirdStore = () -> {
            Thread stop = new Thread(sites::stopSiteB);
            stop.start();
            try {
                stop.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        DimseResponse rsp = move(new CopyOnWriteArrayList<>());
        assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, rsp.status(), rsp.describe());
        assertTrue(rsp.errorComment().startsWith("SITE-B ended the retrieve after "), rsp.errorComment());
        assertTrue(received.size() >= 2 && received.size() < N, received.size() + " received");
        AuditMessage a = sites.events(sites.auditA, AuditEvent.INSTANCES_TRANSFERRED).get(0);
        assertEquals(Outcome.MINOR_FAILURE, a.outcome(), a.outcomeDescription());
    }

    /**
     * The relay answers the site once an instance is in, not once the destination answered: while the destination
     * still holds the third instance, the fourth has come from site B; it reaches the destination although B then
     * went away (answering B only after the destination, B would never have sent it).
     */
    @Test
    void theSiteIsAnsweredBeforeTheDestinationSoTheNextInstanceComesMeanwhile() throws Exception {
        start("query, retrieve");
        atThirdStore = () -> {
            // B opens the fifth instance once the relay answered the fourth: the fourth is whole at A by then
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try {
                while (sites.readsAtB.get() < 5 && System.nanoTime() < until) {
                    Thread.sleep(10);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sites.stopSiteB();
        };
        DimseResponse rsp = move(new CopyOnWriteArrayList<>());
        assertEquals(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, rsp.status(), rsp.describe());
        assertTrue(rsp.errorComment().startsWith("SITE-B ended the retrieve after "), rsp.errorComment());
        assertTrue(received.size() >= 4 && received.size() < N, received.size() + " received");
    }

    @Test
    void siteBDownFailsTheMoveWithAnErrorCommentNamingIt() throws Exception {
        start("query, retrieve");
        sites.stopSiteB();
        DimseResponse rsp = move(new CopyOnWriteArrayList<>());
        assertEquals(Status.UNABLE_TO_PROCESS, rsp.status(), rsp.describe());
        assertNotNull(rsp.errorComment());
        assertTrue(rsp.errorComment().contains("SITE-B"), rsp.errorComment());
        assertEquals(0, received.size());
    }

    @Test
    void aSiteWithoutRetrievePermissionAtBIsRefusedThereAndTheMoveFails() throws Exception {
        start("query"); // A may find the study at B, not take it
        DimseResponse rsp = move(new CopyOnWriteArrayList<>());
        assertEquals(Status.UNABLE_TO_PROCESS, rsp.status(), rsp.describe());
        assertTrue(rsp.errorComment().contains("SITE-B") && rsp.errorComment().contains("0124"), rsp.errorComment());
        assertEquals(0, received.size());
        List<AuditMessage> alerts = sites.events(sites.auditB, AuditEvent.SECURITY_ALERT);
        assertEquals(1, alerts.size(), sites.auditB.toString());
        assertTrue(alerts.get(0).outcomeDescription().contains("SITE-A"), alerts.get(0).outcomeDescription());
        assertEquals(0, sites.events(sites.auditB, AuditEvent.INSTANCES_TRANSFERRED).size());
    }

    @Test
    void instancesTheDestinationRefusesAreCountedAsFailed() throws Exception {
        start("query, retrieve");
        refuseEvery = 3;
        DimseResponse rsp = move(new CopyOnWriteArrayList<>());
        assertEquals(Status.WARNING_SUB_OPERATIONS_COMPLETE_ONE_OR_MORE_FAILURES, rsp.status(), rsp.describe());
        assertEquals(N / 3, rsp.failed(), rsp.describe());
        assertEquals(N - N / 3, rsp.completed(), rsp.describe());
        assertEquals(N - N / 3, received.size());
        DataSet failedList = rsp.dataSet();
        assertNotNull(failedList, "Failed SOP Instance UID List");
        assertEquals(N / 3, failedList.getStrings(org.gridpacs.dicom.data.Tag.FailedSOPInstanceUIDList).length);
        AuditMessage a = sites.events(sites.auditA, AuditEvent.INSTANCES_TRANSFERRED).get(0);
        assertEquals(Outcome.MINOR_FAILURE, a.outcome());
    }
}
