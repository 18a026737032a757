package org.gridpacs.gateway.node;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.membership.MembershipListener;
import org.gridpacs.web.viewer.NodeState;

/**
 * The cluster's nodes as the administration page shows them ({@code GET /api/nodes}): every configured member,
 * up or down as the membership sees it now, and when it was last seen up (this node's own state is its health
 * check's: "up" or the reason it is not ready).
 */
final class NodeStates implements Supplier<List<NodeState>>, MembershipListener {
    private final ClusterConfig cluster;
    private final Membership membership;
    private final Supplier<String> ownProblem;
    /** This node's open conflicts (null: not known), set once replication is wired. */
    private volatile Supplier<Integer> conflicts = () -> null;
    /** When each member left; absent while it is up (or never was). */
    private final Map<String, Instant> leftAt = new ConcurrentHashMap<>();

    NodeStates(ClusterConfig cluster, Membership membership, Supplier<String> ownProblem) {
        this.cluster = cluster;
        this.membership = membership;
        this.ownProblem = ownProblem;
        membership.addListener(this);
    }

    /** Where this node's open conflict count comes from (replication's conflict records). */
    void conflicts(Supplier<Integer> count) {
        this.conflicts = count;
    }

    /** A node alone: one entry, named by its AE title. */
    static Supplier<List<NodeState>> alone(NodeConfig config, Supplier<String> ownProblem) {
        return () -> {
            String problem = ownProblem.get();
            return List.of(new NodeState(config.aeTitle(), config.bindAddress() + ":" + config.dicomPort(),
                    config.userHttp().bindAddress() + ":" + config.httpPort(), problem == null ? "up" : problem,
                    Instant.now(), true));
        };
    }

    @Override
    public List<NodeState> get() {
        List<NodeState> states = new ArrayList<>();
        Instant now = Instant.now();
        for (ClusterNode n : cluster.members()) {
            boolean self = n.name().equals(cluster.self());
            String state;
            Instant seen;
            if (self) {
                String problem = ownProblem.get();
                state = problem == null ? "up" : problem;
                seen = now;
            } else if (membership.isUp(n.name())) {
                state = "up";
                seen = now;
            } else {
                state = "down";
                seen = leftAt.get(n.name());
            }
            states.add(new NodeState(n.name(), n.host() + ":" + n.dicomPort(), n.host() + ":" + n.httpPort(), state,
                    seen, self, self ? conflicts.get() : null));
        }
        return states;
    }

    @Override
    public void memberJoined(String node) {
        leftAt.remove(node);
    }

    @Override
    public void memberLeft(String node) {
        leftAt.put(node, Instant.now());
    }
}
