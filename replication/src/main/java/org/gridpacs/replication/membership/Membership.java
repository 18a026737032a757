package org.gridpacs.replication.membership;

public interface Membership extends java.io.Closeable {
    /** Names of the members currently up (this node included), in the order of ClusterConfig.members(). */
    java.util.List<String> liveNodes();
    boolean isUp(String node);
    void addListener(MembershipListener listener);   // called on Hazelcast's event thread; must not block long
    @Override void close();
}
