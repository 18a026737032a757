package org.gridpacs.dose.jobs;

import java.util.List;

/**
 * The cluster as the dose service sees it: which nodes are up, and when one joins or leaves. The composition root
 * adapts the cluster's membership to it (dose-jobs does not depend on the replication module); a node alone has
 * none.
 */
public interface Peers {

    /** This node's name. */
    String self();

    /** The members up now, this node included, in the cluster's configured order. */
    List<String> liveNodes();

    /** Told of changes after the call, on the membership's thread (must not block long). */
    void addListener(Listener listener);

    /** A member came up or went down. */
    interface Listener {
        void joined(String node);

        void left(String node);
    }
}
