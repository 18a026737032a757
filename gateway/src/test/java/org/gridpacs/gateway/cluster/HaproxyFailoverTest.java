package org.gridpacs.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.testutil.Dcmtk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.gridpacs.dicom.testutil.ProcessTest;

/**
 * HAProxy in front of two archive node processes (conf/haproxy.cfg as scripts/cluster generates it): C-ECHO
 * through it works; after kill -9 of one node it is marked down within 3 s and new associations through HAProxy
 * keep succeeding; the node, restarted, is back in rotation. The same for a hung node (SIGSTOP), whose sockets
 * stay open but which answers nothing: out within 4 s (its health checks have to time out).
 *
 * <p>A prober opens a new association with a C-ECHO every 50 ms through HAProxy, with a 0.5 s connect and 2 s
 * response timeout, as a client that retries would; the test prints how long HAProxy took to mark the node down
 * and which of the probes failed meanwhile.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ProcessTest
class HaproxyFailoverTest {
    /** What the configuration promises for a dead node: out of rotation within 3 s. */
    static final Duration MARK_DOWN_LIMIT = Duration.ofSeconds(3);
    /**
     * A hung node answers no health check: two checks time out (timeout check 1 s) after up to 0.5 + 0.25 s of
     * intervals, 2.75 s at worst, plus scheduling on a loaded machine.
     */
    static final Duration HUNG_MARK_DOWN_LIMIT = Duration.ofSeconds(4);

    @TempDir
    static Path tmp;
    static ClusterProcesses cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Dcmtk.require();
        cluster = ClusterProcesses.builder(tmp.resolve("c")).nodes(2).fsync(false).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void echoThroughHaproxy() throws Exception {
        // DCMTK's echoscu, an independent client, through the entry point
        Dcmtk.Result r = Dcmtk.run(30, "echoscu", "-v", "-aec", ClusterProcesses.AET, ClusterProcesses.HOST,
                String.valueOf(cluster.entryPort()));
        assertEquals(0, r.exitCode(), r.output());
        // and each node directly, and both behind HAProxy: associations reach both nodes
        for (ClusterProcesses.Node n : cluster.nodes()) {
            assertNull(Probe.echo(n.dicomPort(), Probe.SHORT), n.name());
        }
        long before = totalSessions();
        List<Association> open = openAssociations(4);
        try {
            for (ClusterProcesses.ServerState s : cluster.haproxyServers("dicom_nodes").values()) {
                assertTrue(s.currentSessions() >= 1, "leastconn spreads 4 open associations over both nodes: "
                        + cluster.safeServers());
            }
        } finally {
            close(open);
        }
        assertTrue(totalSessions() >= before + 4);
    }

    @Test
    @Order(2)
    void killedNodeIsMarkedDownWithinThreeSecondsAndComesBack() throws Exception {
        failOver("node1", false);
    }

    @Test
    @Order(3)
    void hungNodeIsMarkedDownWithinThreeSecondsAndComesBack() throws Exception {
        failOver("node2", true);
    }

    /** Kills (or suspends) {@code victim} under a stream of probes; checks mark-down, probes, and the way back. */
    private static void failOver(String victim, boolean hang) throws Exception {
        assertTrue(cluster.haproxyServer(victim).isUp(), cluster.safeServers());
        Probe probe = new Probe(cluster.entryPort(), 50);
        Thread prober = new Thread(probe, "prober");
        prober.start();
        Thread.sleep(500);
        // the time is taken once the signal was sent (the kill command's start-up is not the node's doing)
        if (hang) {
            cluster.suspend(victim);
        } else {
            cluster.kill(victim);
        }
        long t0 = System.nanoTime();
        // HAProxy's statistics are polled every 20 ms: the figure is within 20 ms of the real mark-down
        cluster.awaitHaproxyStatus(victim, s -> s.startsWith("DOWN"), Duration.ofSeconds(15));
        long downAt = System.nanoTime();
        long markDownMillis = (downAt - t0) / 1_000_000;
        // probes after the mark-down, while only the other node serves: at least 2 s of them, and at least 10
        Thread.sleep(2000);
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (probe.since(downAt).size() < 10 && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        probe.stop();
        prober.join(10_000);

        List<Probe.Attempt> after = probe.since(t0);
        List<Probe.Attempt> failed = after.stream().filter(a -> !a.ok()).toList();
        long lastFailureEnd = failed.stream().mapToLong(a -> a.startNanos() + a.millis() * 1_000_000).max().orElse(t0);
        System.out.printf("%s %s: HAProxy marked it down after %d ms (%s); %d probes since, %d failed%s; new "
                        + "associations all succeed from %d ms after the %s%n", hang ? "SIGSTOP of" : "kill -9 of", victim,
                markDownMillis, cluster.haproxyServer(victim).checkStatus(), after.size(), failed.size(),
                failed.isEmpty() ? "" : " (" + failed.stream().map(a -> (a.startNanos() - t0) / 1_000_000 + " ms: "
                        + a.error()).distinct().limit(5).toList() + ")",
                (lastFailureEnd - t0) / 1_000_000, hang ? "hang" : "kill");
        Duration limit = hang ? HUNG_MARK_DOWN_LIMIT : MARK_DOWN_LIMIT;
        assertTrue(markDownMillis <= limit.toMillis(), victim + " marked down only after " + markDownMillis
                + " ms\n" + cluster.haproxyLogTail(20));
        List<Probe.Attempt> afterDown = probe.since(downAt);
        assertTrue(afterDown.size() >= 10, "too few probes after the mark-down: " + afterDown.size());
        assertTrue(afterDown.stream().allMatch(Probe.Attempt::ok), "probes failed after " + victim
                + " was marked down: " + afterDown.stream().filter(a -> !a.ok()).map(Probe.Attempt::error).toList());

        // back: restarted (or resumed), healthy, UP in HAProxy, and given associations again
        long t1 = System.nanoTime();
        if (hang) {
            cluster.resume(victim);
            awaitHealthy(victim);
        } else {
            cluster.restart(victim);
        }
        long healthyAt = System.nanoTime();
        cluster.awaitHaproxyStatus(victim, s -> s.startsWith("UP"), Duration.ofSeconds(15));
        long upAt = System.nanoTime();
        System.out.printf("%s %s: healthy %d ms after the %s, UP in HAProxy %d ms later%n", victim,
                hang ? "resumed" : "restarted", (healthyAt - t1) / 1_000_000, hang ? "SIGCONT" : "restart",
                (upAt - healthyAt) / 1_000_000);
        long before = cluster.haproxyServer(victim).totalSessions();
        List<Association> open = openAssociations(4);
        try {
            assertTrue(cluster.haproxyServer(victim).totalSessions() > before, victim
                    + " got none of 4 new associations after coming back: " + cluster.safeServers());
        } finally {
            close(open);
        }
    }

    private static void awaitHealthy(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cluster.node(name).health() != 200) {
            assertTrue(System.nanoTime() < deadline, name + " not healthy 30 s after SIGCONT");
            Thread.sleep(50);
        }
    }

    private static long totalSessions() throws Exception {
        return cluster.haproxyServers("dicom_nodes").values().stream()
                .mapToLong(ClusterProcesses.ServerState::totalSessions).sum();
    }

    /** {@code n} associations through HAProxy, each verified by a C-ECHO and left open. */
    private static List<Association> openAssociations(int n) throws Exception {
        List<Association> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                AAssociateRQ rq = new AAssociateRQ("HOLDER" + i, ClusterProcesses.AET);
                rq.addPresentationContext(new PresentationContext.RQ(1, UID.Verification, UID.ImplicitVRLittleEndian));
                Association as = new Connector(NetworkSettings.DEFAULT).connect(ClusterProcesses.HOST,
                        cluster.entryPort(), rq, null);
                open.add(as);
                as.echo();
            }
        } catch (Exception e) {
            close(open);
            throw e;
        }
        return open;
    }

    private static void close(List<Association> open) {
        for (Association as : open) {
            try {
                as.release();
            } catch (Exception e) {
                as.abort();
            }
        }
    }
}
