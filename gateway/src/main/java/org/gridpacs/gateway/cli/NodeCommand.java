package org.gridpacs.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.gridpacs.gateway.node.ArchiveNode;
import org.gridpacs.gateway.node.NodeConfig;
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
        if (port != null) {
            cfg = new NodeConfig(cfg.dataDir(), cfg.aeTitle(), cfg.bindAddress(), port, cfg.httpPort(), cfg.network(),
                    cfg.storageId(), cfg.storageUri(), cfg.storageFsync(), cfg.indexUrl(), cfg.duplicatePolicy(),
                    cfg.applicationEntities());
        }
        node = ArchiveNode.start(cfg);
        Thread hook = new Thread(this::stop, "node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf("GridPACS archive node ready: AE title %s, DICOM port %d, data in %s%n", cfg.aeTitle(),
                node.dicomPort(), cfg.dataDir());
        System.out.flush();
        stopped.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped us
        }
        return 0;
    }

    /** conf/node.properties next to the installation (the launcher passes its root as pacs.home). */
    private static Path defaultConfig() {
        String home = System.getProperty("pacs.home");
        Path p = Path.of(home != null ? home : ".", "conf", "node.properties");
        return p.toFile().exists() ? p : null;
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
