package org.gridpacs.replication.membership;

import static org.gridpacs.replication.membership.HazelcastMembershipTest.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.replication.config.ClusterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/** A member in another JVM killed with SIGKILL (its connections close, it says nothing), then restarted. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ProcessTest
class MembershipCrashTest {
    @TempDir
    Path tmp;

    @Test
    void killedMemberIsSeenLeavingAndRejoinsWhenRestarted() throws Exception {
        List<ClusterNode> nodes = Clusters.loopback(2);
        try (HazelcastMembership n1 = HazelcastMembership.start(Clusters.config("node1", nodes))) {
            Recorder r1 = new Recorder();
            n1.addListener(r1);
            try (ChildMember child = new ChildMember("node2", nodes, tmp.resolve("node2-a.log"))) {
                String ready = child.await("READY", 30_000);
                assertTrue(ready.endsWith(" node1,node2"), ready);
                r1.await("joined", "node2", 10_000);
                System.out.printf("membership: node2 in a new JVM joined, its start() took %s ms%n", ready.split(" ")[1]);

                long t0 = System.nanoTime();
                child.kill();
                long left = ms(r1.await("left", "node2", 20_000) - t0);
                System.out.printf("membership: memberLeft on node1 %d ms after kill -9 of node2%n", left);
                // seen at once (the connection closed); the bound leaves room for a loaded machine
                assertTrue(left < 12_000, "memberLeft after kill -9 took " + left + " ms");
                assertEquals(List.of("node1"), n1.liveNodes());
            }

            long t0 = System.nanoTime();
            try (ChildMember again = new ChildMember("node2", nodes, tmp.resolve("node2-b.log"))) {
                long joined = ms(r1.await("joined", "node2", 30_000) - t0);
                assertTrue(again.await("READY", 10_000).endsWith(" node1,node2"));
                System.out.printf("membership: restarted node2 rejoined %d ms after its JVM was launched%n", joined);
                assertEquals(List.of("node1", "node2"), n1.liveNodes());
            }
            r1.await("left", "node2", 15_000); // closed stdin: it left cleanly
            r1.assertQuiet();
        }
    }

    @Test
    void hungMemberIsDroppedAfterTheHeartbeatTimeoutAndMergesBackWhenItResumes() throws Exception {
        List<ClusterNode> nodes = Clusters.loopback(2);
        try (HazelcastMembership n1 = HazelcastMembership.start(Clusters.config("node1", nodes));
             ChildMember child = new ChildMember("node2", nodes, tmp.resolve("node2.log"))) {
            Recorder r1 = new Recorder();
            n1.addListener(r1);
            child.await("READY", 30_000);
            r1.await("joined", "node2", 10_000);

            long t0 = System.nanoTime();
            child.signal("STOP");
            long left = ms(r1.await("left", "node2", 20_000) - t0);
            System.out.printf("membership: memberLeft on node1 %d ms after node2 froze (SIGSTOP)%n", left);
            // the heartbeat timeout (5 s) and its check (1 s), and room for a loaded machine
            assertTrue(left < 15_000, "memberLeft after SIGSTOP took " + left + " ms");

            long t1 = System.nanoTime();
            child.signal("CONT");
            long back = ms(r1.await("joined", "node2", 40_000) - t1);
            System.out.printf("membership: node2 back in the cluster %d ms after it resumed (SIGCONT)%n", back);
            assertEquals(List.of("node1", "node2"), n1.liveNodes());
        }
    }
}
