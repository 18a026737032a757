package org.gridpacs.replication.membership;

import java.util.List;

/** Members that stay up, as a test says: membership without Hazelcast, for tests of what counts copies. */
public final class FixedMembership implements Membership {
    private final List<String> live;

    public FixedMembership(String... live) {
        this.live = List.of(live);
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
    }

    @Override
    public void close() {
    }
}
