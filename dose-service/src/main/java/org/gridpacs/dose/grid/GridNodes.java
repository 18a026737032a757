package org.gridpacs.dose.grid;

import java.util.Map;

import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.failure.StopNodeOrHaltFailureHandler;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * Ignite configuration for the dose grid, in one place: compute only (small data regions, no thin-client port), a
 * fixed address list, fixed local address, peer class loading off (every node has the dose-service jar), the update
 * notifier and the banner off, logging through SLF4J, TLS with the cluster's certificates.
 */
final class GridNodes {
    /** Node attribute that marks a dose worker; its value is the worker's thread count. */
    static final String WORKER_THREADS = "gridpacs.dose.worker.threads";
    private static final long MB = 1024L * 1024;

    private GridNodes() {
    }

    /** Starts a node; {@code client} nodes submit work, server nodes (dose workers) run it. */
    static Ignite start(GridConfig c, String name, boolean client, Map<String, ?> attributes) {
        quiet();
        return Ignition.start(configuration(c, name, client, attributes));
    }

    static IgniteConfiguration configuration(GridConfig c, String name, boolean client, Map<String, ?> attributes) {
        IgniteConfiguration cfg = new IgniteConfiguration();
        cfg.setIgniteInstanceName(name);
        cfg.setConsistentId(name); // the name in logs and worker lists, not host:port
        cfg.setClientMode(client);
        cfg.setPeerClassLoadingEnabled(false);
        cfg.setGridLogger(new Slf4jLogger());
        cfg.setMetricsLogFrequency(0);
        cfg.setLocalHost(c.host());
        cfg.setWorkDirectory(c.workDirectory().toAbsolutePath().toString());
        cfg.setUserAttributes(attributes);
        cfg.setClientConnectorConfiguration(null); // no thin-client port: nobody needs one
        // a failure of the client node must not halt the archive node's JVM (the default may); a worker's JVM has
        // nothing else to do, so it exits and shows as not running rather than idling without a node
        cfg.setFailureHandler(client ? new StopNodeFailureHandler() : new StopNodeOrHaltFailureHandler());

        TcpDiscoveryVmIpFinder finder = new TcpDiscoveryVmIpFinder();
        finder.setAddresses(c.addresses());
        TcpDiscoverySpi discovery = new TcpDiscoverySpi();
        discovery.setIpFinder(finder);
        discovery.setLocalAddress(c.host());
        discovery.setLocalPort(c.discoveryPort());
        discovery.setLocalPortRange(c.portRange());
        if (client) {
            discovery.setJoinTimeout(c.joinTimeoutMillis());
        }
        cfg.setDiscoverySpi(discovery);

        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress(c.host());
        communication.setLocalPort(c.communicationPort());
        communication.setLocalPortRange(c.portRange());
        communication.setMessageQueueLimit(1024); // bounded (Ignite warns of the unbounded default)
        cfg.setCommunicationSpi(communication);

        // compute only: no caches of ours; Ignite's own system caches need a little memory
        DataStorageConfiguration storage = new DataStorageConfiguration();
        storage.setDefaultDataRegionConfiguration(new DataRegionConfiguration().setName("default")
                .setInitialSize(16 * MB).setMaxSize(32 * MB));
        storage.setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(16 * MB).setMaxSize(32 * MB));
        cfg.setDataStorageConfiguration(storage);

        if (c.tls() != null) {
            cfg.setSslContextFactory(c.tls().factory());
        }
        return cfg;
    }

    /** Ignite reads these once, from system properties, before its first node starts. */
    private static void quiet() {
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        // not quiet: quiet mode prints its own summary lines to standard output, which pacs keeps for results;
        // everything then goes through SLF4J, where the logging configuration keeps Ignite at WARN
        setIfAbsent("IGNITE_QUIET", "false");
        setIfAbsent("IGNITE_NO_ASCII", "true");
        setIfAbsent("IGNITE_PERFORMANCE_SUGGESTIONS_DISABLED", "true");
        setIfAbsent("java.net.preferIPv4Stack", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
