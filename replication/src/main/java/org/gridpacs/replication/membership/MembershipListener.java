package org.gridpacs.replication.membership;

/** Told when a cluster member comes up or goes down, by node name (as in {@code ClusterConfig.members()}). */
public interface MembershipListener {
    void memberJoined(String node);

    void memberLeft(String node);
}
