package org.gridpacs.federation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.Implementation;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.testutil.SyntheticInstances;
import org.gridpacs.federation.audit.AuditEvent;
import org.gridpacs.federation.audit.AuditLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The federated C-FIND's associations to remote sites kept open between queries, over real mutual TLS on loopback:
 * site A's gateway (a workstation asking it) and site B.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FederatedQueryKeepAliveTest {
    @TempDir
    Path tmp;
    LoopbackSite a;
    LoopbackSite b;
    final List<Association> seenAtB = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private void start(QuerySettings querySettings) throws Exception {
        a = new LoopbackSite(tmp.resolve("a"), "SITE-A", "FEDERATION", 0);
        b = new LoopbackSite(tmp.resolve("b"), "SITE-B", "FED-B", 0);
        a.trust(b);
        b.trust(a);
        int bPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            bPort = s.getLocalPort(); // fixed, so that B comes back on it
        }
        b.start(bPort, LoopbackSite.remote(a, 1, "query", "none"), -1, Map.of(), querySettings);
        b.onRemoteFind = rq -> seenAtB.add(rq.association());
        a.start(0, LoopbackSite.remote(b, bPort, "none", "query"), 0, Map.of(), querySettings);
        a.store(List.of(SyntheticInstances.ct("A-1", Implementation.newUID(), Implementation.newUID(), 1, 1)));
        b.store(List.of(SyntheticInstances.ct("B-1", Implementation.newUID(), Implementation.newUID(), 1, 2)));
    }

    /** A workstation's C-FIND to the gateway AE: one association, as findscu does. */
    private List<DataSet> query(int expectedStatus) throws Exception {
        List<DataSet> matches = new ArrayList<>();
        DimseResponse last = a.findAtGateway(matches::add);
        assertEquals(expectedStatus, last.status(), last.describe());
        return matches;
    }

    @Test
    void theSecondQueryGoesOnTheAssociationOfTheFirst() throws Exception {
        start(QuerySettings.DEFAULTS);
        assertEquals(2, query(Status.SUCCESS).size());
        assertEquals(1, a.keptAssociations(), "kept open after the answer");
        assertEquals(2, query(Status.SUCCESS).size());
        assertEquals(2, seenAtB.size());
        assertSame(seenAtB.get(0), seenAtB.get(1), "one association (one TLS handshake) for both queries");
        assertEquals(1, a.keptAssociations());
    }

    @Test
    void withoutKeepAliveEachQueryHasItsOwnAssociation() throws Exception {
        start(new QuerySettings(Duration.ofSeconds(10), Duration.ZERO));
        assertEquals(2, query(Status.SUCCESS).size());
        assertEquals(2, query(Status.SUCCESS).size());
        assertNotSame(seenAtB.get(0), seenAtB.get(1));
        assertEquals(0, a.keptAssociations());
    }

    @Test
    void aSiteRestartedBetweenQueriesIsStillAnswered() throws Exception {
        start(QuerySettings.DEFAULTS);
        assertEquals(2, query(Status.SUCCESS).size());
        b.stopFederationPort(); // the kept association is aborted with it
        b.restartFederationPort();
        assertEquals(2, query(Status.SUCCESS).size(), "B's match again, on a new association");
        assertEquals(2, seenAtB.size());
        assertNotSame(seenAtB.get(0), seenAtB.get(1));
    }

    @Test
    void aSiteDownGivesAWarningAndTheKeptAssociationIsNotReusedWhenItIsBack() throws Exception {
        start(QuerySettings.DEFAULTS);
        assertEquals(2, query(Status.SUCCESS).size());
        b.stopFederationPort();
        assertEquals(1, query(FederatedFindScp.WARNING_PARTIAL).size(), "A's match only");
        assertEquals(0, a.keptAssociations());
        b.restartFederationPort();
        assertEquals(2, query(Status.SUCCESS).size());
    }

    @Test
    void theQueryRecordsAreWrittenAfterTheAnswerAndAllThereWhenTheSiteStops() throws Exception {
        start(QuerySettings.DEFAULTS);
        for (int i = 0; i < 5; i++) {
            assertEquals(2, query(Status.SUCCESS).size());
        }
        a.close();
        b.close();
        assertEquals(5, queries(a.dir), "one per federated C-FIND at A");
        assertEquals(5, queries(b.dir), "one per C-FIND received at B");
        a = null;
        b = null;
    }

    private static long queries(Path siteDir) throws Exception {
        return AuditLogReader.readAll(siteDir.resolve("audit")).stream()
                .filter(r -> r.message().event() == AuditEvent.QUERY).count();
    }
}
