package org.gridpacs.archive.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which storage is where: for each storage id of the location rows, whether it is node-local (a disk only its
 * node reads, its copies are that node's) or shared (an object store that any node can read, whose copies are no
 * node's). Placement, quorum, repair and remote reads count nodes through this, never storage ids, so that a copy
 * in a shared bucket, or a second disk of one node, does not pass for another node's copy.
 *
 * <p>Each node has one <em>home</em> storage: the node-local storage its store service writes into and the one it
 * speaks for to its peers (announcements, digests, {@code /peer/objects}). By default it is the only storage of
 * the node and its id is the node's name, as it has always been, so existing location rows keep their meaning.
 * Immutable; built from configuration, the same on every node.
 */
public final class StorageRegistry {

    /** Node-local or shared, as above. */
    public enum Kind { NODE_LOCAL, SHARED }

    /** One storage: its id, kind, and for a node-local one its node (null for a shared one). */
    public record StorageEntry(String id, Kind kind, String node) {
        public StorageEntry {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("a storage needs an id");
            }
            if ((kind == Kind.NODE_LOCAL) != (node != null)) {
                throw new IllegalArgumentException("storage " + id + ": a node-local storage names its node, a"
                        + " shared one none");
            }
        }
    }

    private final Map<String, StorageEntry> entries;
    private final Map<String, String> homes;

    private StorageRegistry(Map<String, StorageEntry> entries, Map<String, String> homes) {
        this.entries = Map.copyOf(entries);
        this.homes = Map.copyOf(homes);
    }

    /** The default: one node-local storage per node, its id the node's name. */
    public static StorageRegistry oneLocalPerNode(Collection<String> nodes) {
        Builder b = builder();
        nodes.forEach(n -> b.nodeLocal(n, n));
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The node whose copy a location on {@code storageId} is; empty for a shared or unknown storage. */
    public Optional<String> nodeOf(String storageId) {
        StorageEntry e = entries.get(storageId);
        return e == null || e.kind() == Kind.SHARED ? Optional.empty() : Optional.of(e.node());
    }

    /** Whether {@code storageId} is a shared storage (any node reads it; its copies count for no node). */
    public boolean isShared(String storageId) {
        StorageEntry e = entries.get(storageId);
        return e != null && e.kind() == Kind.SHARED;
    }

    /** The storage {@code node} writes into and speaks for; IllegalArgumentException for a node it does not know. */
    public String homeOf(String node) {
        String home = homes.get(node);
        if (home == null) {
            throw new IllegalArgumentException("no storage is registered for node " + node);
        }
        return home;
    }

    /** Whether {@code storageId} is the home storage of its node (the one that node serves to its peers). */
    public boolean isHome(String storageId) {
        return nodeOf(storageId).map(n -> storageId.equals(homes.get(n))).orElse(false);
    }

    /** Every storage, by id. */
    public List<StorageEntry> entries() {
        List<StorageEntry> out = new ArrayList<>(entries.values());
        out.sort(java.util.Comparator.comparing(StorageEntry::id));
        return out;
    }

    @Override
    public String toString() {
        return "storages " + entries();
    }

    /** Registers storages; the first node-local storage of a node is its home. */
    public static final class Builder {
        private final Map<String, StorageEntry> entries = new LinkedHashMap<>();
        private final Map<String, String> homes = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder nodeLocal(String id, String node) {
            add(new StorageEntry(id, Kind.NODE_LOCAL, node));
            homes.putIfAbsent(node, id);
            return this;
        }

        public Builder shared(String id) {
            add(new StorageEntry(id, Kind.SHARED, null));
            return this;
        }

        private void add(StorageEntry e) {
            if (entries.putIfAbsent(e.id(), e) != null) {
                throw new IllegalArgumentException("storage " + e.id() + " is registered twice");
            }
        }

        public StorageRegistry build() {
            return new StorageRegistry(entries, homes);
        }
    }
}
