package org.gridpacs.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.gridpacs.dicom.testutil.Ports;
import org.gridpacs.dicom.testutil.ProcessTest;
import org.gridpacs.dose.engine.BatchExecutor;
import org.gridpacs.dose.engine.Cancellation;
import org.gridpacs.dose.engine.DoseJob;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.LocalPoolExecutor;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.grid.DoseGrid;
import org.gridpacs.dose.grid.GridConfig;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.gridpacs.gateway.node.DoseGridConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/pacs dose-worker} as scripts/cluster starts it: the grid ports of a cluster file (free ones here),
 * the cluster's TLS files from {@code pacs cluster-certs}, the Ignite JVM options of the launcher; an archive node's
 * client (node2's certificate) joins it and gets the local pool's bytes.
 */
@ProcessTest
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoseWorkerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theLaunchedWorkerRunsBatchesForAClientOfTheCluster() throws Exception {
        int discovery = freeRange(4);
        int communication;
        do {
            communication = freeRange(4);
        } while (Math.abs(communication - discovery) < 4);
        Set<Integer> taken = new HashSet<>();
        Set<Integer> avoid = Set.of();
        StringBuilder conf = new StringBuilder("cluster.members = node1,node2\n");
        for (String n : new String[] {"node1", "node2"}) {
            conf.append("cluster.node.").append(n).append(" = 127.0.0.1");
            for (int i = 0; i < 4; i++) {
                conf.append(' ').append(Ports.freePort(taken, avoid));
            }
            conf.append('\n');
        }
        conf.append("cluster.dose.grid.discoveryPorts = ").append(discovery).append("..").append(discovery + 3).append('\n');
        conf.append("cluster.dose.grid.communicationPorts = ").append(communication).append("..")
                .append(communication + 3).append('\n');
        Path clusterFile = tmp.resolve("conf/cluster.properties");
        Files.createDirectories(clusterFile.getParent());
        Files.writeString(clusterFile, conf);
        Cli.Result certs = Cli.pacs("cluster-certs", "--cluster", clusterFile.toString(), "--nodes", "node1,node2");
        assertEquals(0, certs.exitCode(), certs.toString());

        Process worker = new ProcessBuilder(Cli.LAUNCHER.toString(), "dose-worker", "--name", "node1", "--cluster",
                clusterFile.toString(), "--threads", "1", "--work-dir", tmp.resolve("work1").toString())
                .redirectErrorStream(true).start();
        try {
            awaitReady(worker, "node1");
            GridConfig config = DoseGridConfigFile.load(clusterFile, "node2", null, tmp.resolve("client"));
            DoseJob job = DoseJob.raw(SyntheticPhantoms.water(2.0), new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1,
                    10, 10, 0, 0, 0)), DoseSettings.histories(20_000, 9).withThreads(1));
            byte[] expected;
            try (LocalPoolExecutor pool = new LocalPoolExecutor(1)) {
                expected = MonteCarlo.run(job, pool, ProgressListener.NONE, new Cancellation()).tally.toBytes();
            }
            try (DoseGrid grid = new DoseGrid(config, "node2-client"); BatchExecutor e = grid.executor()) {
                assertEquals(java.util.Map.of("node1", 1), grid.workers());
                assertArrayEquals(expected,
                        MonteCarlo.run(job, e, ProgressListener.NONE, new Cancellation()).tally.toBytes());
            }
        } finally {
            worker.destroy(); // SIGTERM: the worker leaves the grid and exits
            assertTrue(worker.waitFor(30, TimeUnit.SECONDS), "the worker did not stop on SIGTERM");
        }
    }

    private static void awaitReady(Process p, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith("dose worker " + name + " ready")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // the worker is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        throw new AssertionError("pacs dose-worker did not start:\n" + seen);
    }

    private static int freeRange(int n) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                free = Ports.isFree(base + i);
            }
            if (free) {
                return base;
            }
        }
        throw new AssertionError("no " + n + " consecutive free ports");
    }
}
