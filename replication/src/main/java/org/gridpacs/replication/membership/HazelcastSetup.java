package org.gridpacs.replication.membership;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;

/** The Hazelcast member configuration, in code: nothing is read from hazelcast.xml or the environment. */
final class HazelcastSetup {
    static final String CLUSTER_NAME = "gridpacs";
    /** Member attribute holding the node name, so that events name nodes rather than Hazelcast UUIDs. */
    static final String NODE_ATTRIBUTE = "gridpacs.node";

    private HazelcastSetup() {
    }

    static Config config(ClusterConfig cluster) throws UnknownHostException {
        ClusterNode self = cluster.selfNode();
        Config c = new Config();
        c.setClusterName(CLUSTER_NAME);
        c.setInstanceName("gridpacs-" + self.name());
        c.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, self.name());
        c.getJetConfig().setEnabled(false);

        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false"); // the node closes us in its own order
        c.setProperty("hazelcast.health.monitoring.level", "OFF");
        // no data lives here, so few partitions: less work on every join and leave
        c.setProperty("hazelcast.partition.count", "7");
        // failure detection: a silent member is dropped after 5 s (a closed connection is noticed sooner)
        c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        // the master admits joiners at once instead of waiting 5 s to batch them
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        c.setProperty("hazelcast.max.wait.seconds.before.join", "1");
        // two halves (nodes started at the same moment, or a member that was paused past the timeout) merge
        // after seconds, not the default 5 minutes
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        c.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
        // listen on our own address only, not on every interface
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.local.localAddress", ip(self.host()));

        NetworkConfig net = c.getNetworkConfig();
        net.setPort(self.membershipPort()).setPortAutoIncrement(false).setReuseAddress(true);
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true)
                .setConnectionTimeoutSeconds(1); // how long a lone first node looks for the others
        for (ClusterNode n : cluster.members()) {
            join.getTcpIpConfig().addMember(address(n));
        }
        return c;
    }

    static String address(ClusterNode n) throws UnknownHostException {
        String ip = ip(n.host());
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + n.membershipPort();
    }

    /** Resolved once at start: Hazelcast compares member addresses by IP. */
    private static String ip(String host) throws UnknownHostException {
        InetAddress a = InetAddress.getByName(host);
        return a instanceof Inet6Address ? a.getHostAddress().replaceFirst("%.*", "") : a.getHostAddress();
    }
}
