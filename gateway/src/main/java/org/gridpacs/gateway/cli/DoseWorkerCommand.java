package org.gridpacs.gateway.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.gridpacs.dose.grid.DoseWorker;
import org.gridpacs.dose.grid.GridConfig;
import org.gridpacs.gateway.node.DoseGridConfigFile;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pacs dose-worker}: runs a dose worker of the compute grid until Ctrl-C or SIGTERM. */
@Command(name = "dose-worker",
        description = {"Run a dose worker: a node of the dose compute grid (Apache Ignite) that runs Monte Carlo "
                + "batches for the archive nodes. Long-lived, in its own JVM; scripts/cluster starts one beside each "
                + "archive node, this command starts one more on any machine.",
                "The grid's ports and addresses are cluster.dose.grid.* of the cluster configuration, its TLS the "
                + "cluster's (cluster.tls.*, the key store of --name)."},
        footer = {"", "Examples:", "  pacs dose-worker --name node1",
                "  pacs dose-worker --name worker5 --host 10.0.0.15 --threads 16   (after pacs cluster-certs --nodes worker5)"})
final class DoseWorkerCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, paramLabel = "NAME",
            description = "The worker's name; its key store is the cluster's for this name, its address that of "
                    + "cluster.node.NAME unless --host is given.")
    String name;

    @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster configuration (default: "
            + "conf/cluster.properties of the installation).")
    Path clusterFile;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to bind and announce (default: the host "
            + "of cluster.node.NAME).")
    String host;

    @Option(names = "--addresses", paramLabel = "HOST:PORTS", split = ",", description = "Grid discovery addresses "
            + "(e.g. 10.0.0.11:47500..47509), overriding cluster.dose.grid.addresses.")
    List<String> addresses;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for batches (default: every core).")
    Integer threads;

    @Option(names = "--key-of", paramLabel = "NODE", description = "Use the certificate (cluster.tls.keyStore) and "
            + "host of this cluster member: an extra worker on that member's machine (default: --name).")
    String keyOf;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Ignite's work folder (default: var/dose-grid/NAME).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Path cf = clusterFile != null ? clusterFile : installed("cluster.properties");
        GridConfig config;
        try {
            config = DoseGridConfigFile.load(cf, keyOf != null ? keyOf : name, host,
                    workDir != null ? workDir : Path.of(home(), "var", "dose-grid", name));
            if (addresses != null) {
                config = new GridConfig(addresses, config.host(), config.discoveryPort(), config.communicationPort(),
                        config.portRange(), config.tls(), config.workDirectory(), config.joinTimeoutMillis());
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("cluster configuration " + cf + ": " + e.getMessage());
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new UsageException("--threads must be at least 1, not " + n);
        }
        DoseWorker.runUntilStopped(config, name, n);
        return 0;
    }

    private static String home() {
        String home = System.getProperty("pacs.home");
        return home != null ? home : ".";
    }

    private static Path installed(String file) {
        return Path.of(home(), "conf", file);
    }
}
