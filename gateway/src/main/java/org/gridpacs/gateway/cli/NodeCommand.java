package org.gridpacs.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.dose.grid.DoseGrid;
import org.gridpacs.gateway.node.DoseGridConfigFile;
import org.gridpacs.gateway.node.DoseSetup;
import org.gridpacs.gateway.node.ClusterConfigFile;
import org.gridpacs.gateway.node.ClusterStorages;
import org.gridpacs.gateway.node.NodeConfig;
import org.gridpacs.replication.config.ClusterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pacs node}: runs an archive node until Ctrl-C or SIGTERM. */
@Command(name = "node",
        description = {"Run an archive node: storage SCP, C-FIND, C-MOVE and C-GET over its own index and storage.",
                "Runs until Ctrl-C or SIGTERM, then stops cleanly."})
final class NodeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Node configuration (default: conf/node.properties "
            + "of the installation, when present).")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "var",
            description = "Folder for the node's storage and index (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", description = "DICOM port, overriding the configuration (0: any free port).")
    Integer port;

    @Option(names = "--node", paramLabel = "NAME", description = "Run as this member of the cluster described by "
            + "--cluster (its ports come from there); without it the node runs alone.")
    String nodeName;

    @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster configuration (default: conf/cluster.properties "
            + "of the installation).")
    Path clusterFile;

    @Option(names = "--members", paramLabel = "NAME", split = ",", description = "The cluster's members, overriding "
            + "cluster.members (for example node1,node2,node3).")
    java.util.List<String> members;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ArchiveNode node;

    @Override
    public Integer call() throws Exception {
        Path file = config != null ? config : defaultConfig();
        NodeConfig cfg;
        try {
            cfg = NodeConfig.load(file, data);
        } catch (IllegalArgumentException e) {
            throw new UsageException("configuration " + (file != null ? file : "defaults") + ": " + e.getMessage());
        }
        ClusterConfig cluster = null;
        ClusterStorages storages = null;
        int federationPort = -1;
        if (nodeName != null) {
            Path cf = clusterFile != null ? clusterFile : installed("cluster.properties");
            try {
                ClusterConfigFile.Member member = ClusterConfigFile.loadMember(cf, nodeName, members);
                cluster = member.cluster();
                storages = member.storages();
                federationPort = ClusterConfigFile.federationPort(cf, nodeName);
            } catch (IllegalArgumentException e) {
                throw new UsageException("cluster configuration " + cf + ": " + e.getMessage());
            }
            cfg = cfg.asClusterNode(cluster.selfNode());
        } else if (members != null || clusterFile != null) {
            throw new UsageException("--members and --cluster need --node NAME");
        }
        if (port != null) {
            cfg = cfg.withDicomPort(port);
        }
        // dose.properties beside the node configuration (conf/ of the installation by default)
        Path confDir = file != null ? file.toAbsolutePath().getParent() : installed("dose.properties").getParent();
        DoseSetup dose;
        try {
            dose = DoseSetup.load(confDir);
        } catch (IllegalArgumentException e) {
            throw new UsageException("dose configuration " + confDir.resolve("dose.properties") + ": " + e.getMessage());
        }
        if (cluster != null) {
            // a member sends its jobs' batches to the dose workers of the cluster's compute grid (a client node of
            // its own, joined at the first job; a local pool when the grid has no worker)
            Path cf = clusterFile != null ? clusterFile : installed("cluster.properties");
            try {
                dose = dose.withGrid(new DoseGrid(DoseGridConfigFile.load(cf, nodeName, null,
                        data.resolve("dose-grid-client")), "dose-client-" + nodeName));
            } catch (IllegalArgumentException e) {
                throw new UsageException("cluster configuration " + cf + ": " + e.getMessage());
            }
        }
        // grid.properties beside it: the grid tier (none without the file); its relative paths in the run folder
        Path runFolder = nodeName != null && data.toAbsolutePath().getParent() != null
                ? data.toAbsolutePath().getParent() : data.toAbsolutePath();
        org.gridpacs.grid.GridSettings grid;
        try {
            grid = org.gridpacs.gateway.node.GridConfigFile.load(confDir, runFolder);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException("grid configuration: " + e.getMessage());
        }
        // federation.properties beside it: the federation gateway (its AE on the DICOM port, its TLS port), when
        // enabled. A cluster member opens its own federation port (its cluster.node line's sixth field); the site's
        // entry, federation.port, is HAProxy's, which passes TLS through to the members (scripts/cluster).
        org.gridpacs.gateway.node.FederationGateway.Member fedMember = cluster == null ? null
                : new org.gridpacs.gateway.node.FederationGateway.Member(nodeName, cluster.selfNode().host(),
                federationPort);
        node = ArchiveNode.start(cfg, cluster, storages, dose, grid,
                new org.gridpacs.gateway.node.FederationGateway.Setup(confDir, runFolder, fedMember));
        Thread hook = new Thread(this::stop, "node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf("GridPACS archive node %sready: AE title %s, DICOM port %d, HTTP port %d, data in %s%n",
                nodeName != null ? nodeName + " " : "", cfg.aeTitle(), node.dicomPort(), node.httpPort(), cfg.dataDir());
        System.out.flush();
        stopped.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped us
        }
        return 0;
    }

    /** conf/node.properties next to the installation, when there is one. */
    private static Path defaultConfig() {
        Path p = installed("node.properties");
        return p.toFile().exists() ? p : null;
    }

    /** A file of conf/ next to the installation (the launcher passes its root as pacs.home). */
    private static Path installed(String name) {
        String home = System.getProperty("pacs.home");
        return Path.of(home != null ? home : ".", "conf", name);
    }

    /** Stops the node; from the shutdown hook (Ctrl-C, SIGTERM) or a test. */
    void stop() {
        ArchiveNode n = node;
        if (n != null && stopped.getCount() > 0) {
            LOG.info("Stopping the archive node");
            n.close();
        }
        stopped.countDown();
    }

    /** The DICOM port, once started (for tests); -1 before. */
    int port() {
        ArchiveNode n = node;
        return n == null ? -1 : n.dicomPort();
    }
}
