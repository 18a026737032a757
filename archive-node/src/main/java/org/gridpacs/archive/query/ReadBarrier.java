package org.gridpacs.archive.query;

/**
 * Makes what other nodes have acknowledged visible in this node's index before a read: in a cluster, a C-STORE
 * answered by another node may not have reached this node's index yet (its news travel asynchronously), and a
 * C-FIND, QIDO-RS or retrieve right after that success must still find the instance. Declared here, implemented
 * by the replication module (it asks the live peers to deliver what they still owe this node, and waits, bounded).
 * A single node needs none: {@link #NONE}.
 */
@FunctionalInterface
public interface ReadBarrier {

    ReadBarrier NONE = () -> { };

    /** Returns once the news acknowledged elsewhere before this call are in the local index (or a bound passed). */
    void await();
}
