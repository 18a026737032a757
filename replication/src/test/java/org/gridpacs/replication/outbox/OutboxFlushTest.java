package org.gridpacs.replication.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlCopyCatalog;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.FixedMembership;
import org.gridpacs.replication.transfer.PeerClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer side of the read barrier: a flush for a peer delivers what the outbox holds for it now, at once (not at
 * the sender's next idle wake-up, 5 s later), and says so; with the peer down it says the news are still owed.
 */
class OutboxFlushTest {
    @TempDir
    Path dir;
    IndexDatabase db;
    Outbox outbox;
    NodeHttpServer peer;
    final AtomicInteger batches = new AtomicInteger();
    OutboxSender sender;

    @BeforeEach
    void open() throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"), List.of(Replication.SCHEMA));
        outbox = new Outbox(db);
        peer = new NodeHttpServer("127.0.0.1", 0).peerConnector("127.0.0.1", 0, NodeHttpServer.PLAIN)
                .peerRoute("/peer/*", new Handler.Abstract() {
                    @Override
                    public boolean handle(Request request, Response response, Callback callback) {
                        batches.incrementAndGet();
                        response.setStatus(200);
                        Content.Sink.write(response, true, "applied\n", callback);
                        return true;
                    }
                }).start();
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
        peer.close();
        db.close();
    }

    private OutboxSender sender(String... live) {
        sender = new OutboxSender("node1", new ClusterNode("node2", "127.0.0.1", 1, 2, 3, peer.peerPort()), outbox,
                new SqlCopyCatalog(db), new PeerClient(null), new FixedMembership(live));
        return sender.start();
    }

    @Test
    void nothingOwedAnswersAtOnce() throws Exception {
        sender("node1", "node2");
        long start = System.nanoTime();
        assertTrue(sender.awaitFlushed(10_000));
        // not at the sender's next look (5 s on): the bound leaves room for a loaded machine's first query
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "answered at once");
    }

    @Test
    void whatIsOwedIsDeliveredNowAndWaitedFor() throws Exception {
        sender("node1", "node2");
        Thread.sleep(300); // the sender has looked and found nothing: it sleeps until woken (or 5 s)
        int before = batches.get();
        // queued without waking the sender, as a store's news would be if its wake-up were lost
        outbox.add(List.of("node2"), Outbox.Kind.COPY, "1.2.3.4", null);
        // at once, not at the sender's next look (4.7 s or more from now)
        assertTrue(sender.awaitFlushed(3000), "delivered within the bound");
        assertEquals(0, outbox.backlog("node2"));
        assertTrue(batches.get() > before, "the peer received the news");
    }

    @Test
    void aPeerThatIsDownLeavesTheNewsOwed() throws Exception {
        sender("node1");
        outbox.add(List.of("node2"), Outbox.Kind.COPY, "1.2.3.4", null);
        assertFalse(sender.awaitFlushed(300));
        assertEquals(1, outbox.backlog("node2"));
    }
}
