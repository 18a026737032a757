package org.gridpacs.replication.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.gridpacs.replication.config.ClusterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real Hazelcast members on loopback, in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastMembershipTest {

    @Test
    void membersSeeEachOtherInConfigurationOrderAndSeeAClosedOneLeave() throws Exception {
        List<ClusterNode> nodes = Clusters.loopback(3);
        long t0 = System.nanoTime();
        try (HazelcastMembership n1 = HazelcastMembership.start(Clusters.config("node1", nodes))) {
            long alone = ms(System.nanoTime() - t0);
            System.out.printf("membership: node1 started alone (node2, node3 absent) in %d ms%n", alone);
            assertTrue(alone < 10_000, "starting alone took " + alone + " ms");
            assertEquals(List.of("node1"), n1.liveNodes());
            Recorder r1 = new Recorder();
            n1.addListener(r1);

            // node3 before node2: liveNodes keeps the configuration's order, not the joining order
            long t3 = System.nanoTime();
            try (HazelcastMembership n3 = HazelcastMembership.start(Clusters.config("node3", nodes))) {
                long seen3 = r1.await("joined", "node3", 15_000);
                System.out.printf("membership: node3 joined in %d ms (start() returned after %d ms)%n",
                        ms(seen3 - t3), ms(System.nanoTime() - t3));
                Recorder r3 = new Recorder();
                n3.addListener(r3);
                long t2 = System.nanoTime();
                HazelcastMembership n2 = HazelcastMembership.start(Clusters.config("node2", nodes));
                try {
                    System.out.printf("membership: node2 joined in %d ms%n", ms(r1.await("joined", "node2", 15_000) - t2));
                    r3.await("joined", "node2", 15_000);
                    for (Membership m : List.of(n1, n2, n3)) {
                        assertEquals(List.of("node1", "node2", "node3"), m.liveNodes());
                    }
                    assertTrue(n2.isUp("node3"));
                } finally {
                    long tc = System.nanoTime();
                    n2.close();
                    long closed = ms(System.nanoTime() - tc);
                    long left1 = ms(r1.await("left", "node2", 15_000) - tc);
                    long left3 = ms(r3.await("left", "node2", 15_000) - tc);
                    System.out.printf("membership: close() of node2 took %d ms; memberLeft on node1 after %d ms, "
                            + "on node3 after %d ms%n", closed, left1, left3);
                    assertTrue(Math.max(left1, left3) < 3_000, "memberLeft after close took " + Math.max(left1, left3));
                }
                assertEquals(List.of("node1", "node3"), n1.liveNodes());
                assertEquals(List.of("node1", "node3"), n3.liveNodes());
                assertFalse(n3.isUp("node2"));
                r3.assertQuiet();
            }
            r1.await("left", "node3", 15_000);
            assertEquals(List.of("node1"), n1.liveNodes());
            r1.assertQuiet();
        }
    }

    @Test
    void membersStartedAtTheSameMomentFormOneCluster() throws Exception {
        List<ClusterNode> nodes = Clusters.loopback(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<HazelcastMembership> started = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            List<Future<HazelcastMembership>> futures = new ArrayList<>();
            for (ClusterNode n : nodes) {
                futures.add(pool.submit(() -> HazelcastMembership.start(Clusters.config(n.name(), nodes))));
            }
            for (Future<HazelcastMembership> f : futures) {
                started.add(f.get(30, TimeUnit.SECONDS));
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (started.stream().anyMatch(m -> m.liveNodes().size() < 3)) {
                assertTrue(System.nanoTime() < end, "no single cluster after 30 s: "
                        + started.stream().map(Membership::liveNodes).toList());
                Thread.sleep(50);
            }
            System.out.printf("membership: 3 members started at once were one cluster after %d ms%n",
                    ms(System.nanoTime() - t0));
        } finally {
            started.forEach(HazelcastMembership::close);
            pool.shutdownNow();
        }
    }

    @Test
    void membershipPortInUseIsReportedWithTheNodeAndPort() throws Exception {
        List<ClusterNode> nodes = Clusters.loopback(2);
        int port = nodes.get(0).membershipPort();
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            IOException e = assertThrows(IOException.class, () -> HazelcastMembership.start(Clusters.config("node1", nodes)));
            assertTrue(e.getMessage().startsWith("cannot join the cluster as node1 on 127.0.0.1:" + port), e.getMessage());
        }
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
