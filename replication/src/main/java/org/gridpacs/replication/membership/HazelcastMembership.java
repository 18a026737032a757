package org.gridpacs.replication.membership;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Membership through an embedded Hazelcast member (open source, TCP/IP member list from the cluster
 * configuration). Hazelcast members are mapped to node names by a member attribute.
 */
public final class HazelcastMembership implements Membership {
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastMembership.class);

    private final ClusterConfig config;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    /** Hazelcast member UUID -> node name; a restarted node may briefly have two UUIDs. Guarded by this. */
    private final Map<UUID, String> members = new HashMap<>();
    private volatile List<String> live = List.of();
    private HazelcastInstance hazelcast;

    private HazelcastMembership(ClusterConfig config) {
        this.config = config;
    }

    public static HazelcastMembership start(ClusterConfig config) throws IOException {
        ClusterNode self = config.selfNode();
        long t0 = System.nanoTime();
        HazelcastMembership m = new HazelcastMembership(config);
        // Hazelcast's static loggers (e.g. its Java-module warning) read only the system property
        if (System.getProperty("hazelcast.logging.type") == null) {
            System.setProperty("hazelcast.logging.type", "slf4j");
        }
        try {
            m.hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(config));
            m.hazelcast.getCluster().addMembershipListener(m.new Events());
        } catch (IOException | RuntimeException e) {
            m.close();
            throw new IOException("cannot join the cluster as " + self.name() + " on " + self.host() + ":"
                    + self.membershipPort() + ": " + e.getMessage(), e);
        }
        LOG.info("Joined the cluster as {} (membership port {}) in {} ms; live members: {}", self.name(),
                self.membershipPort(), (System.nanoTime() - t0) / 1_000_000, String.join(", ", m.liveNodes()));
        return m;
    }

    @Override
    public List<String> liveNodes() {
        return live;
    }

    @Override
    public boolean isUp(String node) {
        return live.contains(node);
    }

    @Override
    public void addListener(MembershipListener listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        HazelcastInstance h = hazelcast;
        if (h != null && h.getLifecycleService().isRunning()) {
            h.shutdown();
            LOG.info("Left the cluster");
        }
    }

    /** Node name of a Hazelcast member, or null (with a warning) for one our configuration does not know. */
    private String nodeOf(Member m) {
        String name = m.getAttribute(HazelcastSetup.NODE_ATTRIBUTE);
        if (name == null || config.members().stream().noneMatch(n -> n.name().equals(name))) {
            LOG.warn("A process at {} calling itself {} is in the cluster but is not a member in this node's "
                    + "cluster configuration; it is ignored", m.getAddress(), name == null ? "nothing" : name);
            return null;
        }
        if (name.equals(config.self()) && !m.localMember()) {
            LOG.warn("Another process at {} runs as this node, {}: two nodes have the same --node name",
                    m.getAddress(), name);
        }
        return name;
    }

    /** The members present when we registered: recorded without a log line each (and there are no listeners yet). */
    private synchronized void initial(Set<Member> present) {
        for (Member m : present) {
            String name = nodeOf(m);
            if (name != null) {
                members.put(m.getUuid(), name);
            }
        }
        live = upInConfigurationOrder();
    }

    private synchronized void added(Member m) {
        String name = nodeOf(m);
        if (name != null) {
            boolean wasUp = members.containsValue(name);
            members.put(m.getUuid(), name);
            if (!wasUp) {
                changed(name, true);
            }
        }
    }

    private synchronized void removed(Member m) {
        String name = members.remove(m.getUuid());
        if (name != null && !members.containsValue(name)) {
            changed(name, false);
        }
    }

    private void changed(String name, boolean joined) {
        live = upInConfigurationOrder();
        LOG.info("Cluster member {} {}; live members: {}", name, joined ? "joined" : "left", String.join(", ", live));
        for (MembershipListener l : listeners) {
            try {
                if (joined) {
                    l.memberJoined(name);
                } else {
                    l.memberLeft(name);
                }
            } catch (RuntimeException e) {
                LOG.error("A cluster membership listener failed on {} {}", name, joined ? "joining" : "leaving", e);
            }
        }
    }

    private List<String> upInConfigurationOrder() {
        return config.members().stream().map(ClusterNode::name).filter(members::containsValue).toList();
    }

    /** Hazelcast's events; the initial one gives the members present when we registered. */
    private final class Events implements InitialMembershipListener {
        @Override
        public void init(InitialMembershipEvent event) {
            initial(event.getMembers());
        }

        @Override
        public void memberAdded(MembershipEvent event) {
            added(event.getMember());
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            removed(event.getMember());
        }
    }
}
