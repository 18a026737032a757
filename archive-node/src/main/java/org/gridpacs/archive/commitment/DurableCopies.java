package org.gridpacs.archive.commitment;

import org.gridpacs.archive.index.IndexedInstance;

/**
 * How many durable copies of an instance count towards commitment: the replication module counts distinct nodes
 * holding a usable copy (copies on shared storages count nothing); a node alone counts its own copy.
 */
public interface DurableCopies {
    /** The copies an instance must have to be committed. */
    int required();

    /** The copies {@code instance} has that count. */
    int count(IndexedInstance instance);

    /** A node alone: one usable copy on any of its storages is the one copy asked for. */
    DurableCopies STANDALONE = new DurableCopies() {
        @Override
        public int required() {
            return 1;
        }

        @Override
        public int count(IndexedInstance instance) {
            return instance.locations().stream().anyMatch(l -> "OK".equals(l.status())) ? 1 : 0;
        }
    };
}
