package org.gridpacs.gateway.node;

import java.util.List;

import org.gridpacs.dose.jobs.Peers;
import org.gridpacs.replication.membership.Membership;
import org.gridpacs.replication.membership.MembershipListener;

/** The cluster's membership as the dose service sees it (dose-jobs does not depend on replication). */
final class MembershipPeers implements Peers {
    private final Membership membership;
    private final String self;

    MembershipPeers(Membership membership, String self) {
        this.membership = membership;
        this.self = self;
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public List<String> liveNodes() {
        return membership.liveNodes();
    }

    @Override
    public void addListener(Listener listener) {
        membership.addListener(new MembershipListener() {
            @Override
            public void memberJoined(String node) {
                listener.joined(node);
            }

            @Override
            public void memberLeft(String node) {
                listener.left(node);
            }
        });
    }
}
