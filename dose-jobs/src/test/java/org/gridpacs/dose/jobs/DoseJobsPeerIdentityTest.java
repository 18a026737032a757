package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreListeners;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.PeerCaller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer dose job endpoints of node1 ask who calls ({@link PeerCaller}; here a test header stands in for the
 * node certificate): a member writes rows of its own jobs, or a cancel, and nothing else; a caller that is no
 * member is refused everything.
 */
class DoseJobsPeerIdentityTest {
    private static final String CALLER = "X-Test-Caller";
    @TempDir
    Path dir;
    IndexDatabase db;
    DoseJobs dose;
    NodeHttpServer server;
    int port;

    @BeforeEach
    void start() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(JobStore.SCHEMA));
        FileSystemStorage storage = new FileSystemStorage("node1", dir.resolve("storage"), false);
        StoreListeners listeners = new StoreListeners();
        QueryService query = new QueryService(db, "ARCHIVE");
        RetrieveService retrieve = new RetrieveService(query, Map.of(storage.id(), storage));
        Peers peers = new Peers() {
            @Override
            public String self() {
                return "node1";
            }

            @Override
            public List<String> liveNodes() {
                return List.of("node1");
            }

            @Override
            public void addListener(Listener listener) {
            }
        };
        JobPeers transport = new JobPeers() {
            @Override
            public void send(String peer, JobRecord row) {
            }

            @Override
            public List<JobRecord> rows(String peer) {
                return List.of();
            }

            @Override
            public CancelReply cancel(String peer, String id) {
                return new CancelReply(DoseJobService.CancelOutcome.NOT_FOUND, null);
            }
        };
        PeerCaller callers = request -> {
            String node = request.getHeaders().get(CALLER);
            if (!List.of("node1", "node2", "node3").contains(node)) {
                throw new PeerCaller.Refused("the client certificate names " + node + ", no member of this cluster");
            }
            return Optional.of(node);
        };
        dose = DoseJobs.start(TestNode.quickConfig(), new DoseJobs.Archive(db, query, retrieve,
                new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT), listeners, "node1"),
                new FakeCalculation(), List.of(), 50, new DoseJobs.Cluster(peers, transport, callers));
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = new NodeHttpServer("127.0.0.1", 0).peerConnector("127.0.0.1", port, NodeHttpServer.PLAIN)
                .peerRoute(DoseJobsPeerHandler.ROUTE, dose.peerHandler()).start();
    }

    @AfterEach
    void stop() {
        server.close();
        dose.close();
        db.close();
    }

    @Test
    void aMemberWritesRowsOfItsOwnJobsOrACancelOnly() throws Exception {
        JobRecord node3s = row("job-a", JobState.QUEUED, "node3");
        assertEquals(403, put("node2", node3s).statusCode(), "node2 may not write node3's job");
        assertEquals(Optional.empty(), dose.service().get("job-a"), "nothing merged");

        assertEquals(200, put("node3", node3s).statusCode(), "its owner may");
        assertEquals("node3", dose.service().get("job-a").orElseThrow().owner());

        JobRecord cancelled = row("job-a", JobState.CANCELLED, "node3");
        assertEquals(200, put("node2", cancelled).statusCode(), "any member may pass on a cancel");
        assertEquals(JobState.CANCELLED, dose.service().get("job-a").orElseThrow().state());
    }

    @Test
    void aCallerThatIsNoMemberIsRefusedEverything() throws Exception {
        HttpResponse<String> rows = send("outsider", HttpRequest.newBuilder(uri("")).GET());
        assertEquals(403, rows.statusCode());
        assertTrue(rows.body().contains("no member"), rows.body());
        assertEquals(403, put("outsider", row("job-b", JobState.QUEUED, "outsider")).statusCode());
        assertEquals(403, send("outsider", HttpRequest.newBuilder(uri("/job-b")).DELETE()).statusCode());
        assertEquals(200, send("node2", HttpRequest.newBuilder(uri("")).GET()).statusCode());
    }

    private static JobRecord row(String id, JobState state, String owner) {
        Instant t = Instant.now();
        return new JobRecord(id, state, "detail", JobOrigin.HTTP, JobRequest.forPlan("1.2.3", "1.2.3.4"), null, t, t,
                owner, 0, 0, null, null, null, null, null, null, 1, 0);
    }

    private HttpResponse<String> put(String caller, JobRecord row) throws Exception {
        return send(caller, HttpRequest.newBuilder(uri("/" + row.id()))
                .PUT(HttpRequest.BodyPublishers.ofString(JobRowJson.row(row).toString())));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + DoseJobsPeerHandler.BASE + path);
    }

    private static HttpResponse<String> send(String caller, HttpRequest.Builder rq) throws Exception {
        return HttpClient.newHttpClient().send(rq.header(CALLER, caller).build(), HttpResponse.BodyHandlers.ofString());
    }
}
