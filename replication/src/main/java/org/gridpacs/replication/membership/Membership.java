package org.gridpacs.replication.membership;

import java.io.Closeable;
import java.util.List;

/**
 * Which cluster members are up right now. Only a view of the present: nothing that must survive a crash is
 * kept here (copies owed to a peer are queued in the index database, not in the membership layer).
 */
public interface Membership extends Closeable {

    /** Names of the members currently up (this node included), in the order of {@code ClusterConfig.members()}. */
    List<String> liveNodes();

    boolean isUp(String node);

    /**
     * Adds a listener for changes after this call (not the members already up: read {@link #liveNodes()}).
     * It is called on the membership event thread and must not block long.
     */
    void addListener(MembershipListener listener);

    /** Leaves the cluster; the other members see this node leave at once. */
    @Override
    void close();
}
