package org.gridpacs.gateway.node;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.gridpacs.archive.storage.StorageRegistry;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;

/**
 * The cluster's storages as {@code conf/cluster.properties} lists them: every member's home storage, whose id is
 * the member's name (where the node writes: {@code storage.uri} of its {@code node.properties}), and the optional
 * {@code cluster.storage.<id>} lines:
 * <pre>
 * cluster.storage.grid1   = shared URI          an object store every node reads; its copies are no node's
 * cluster.storage.node1-b = local node1 URI     another storage of node1 (an older volume, say): node1's copies
 * </pre>
 * The same file on every node gives every node the same {@link StorageRegistry}.
 *
 * @param registry  which storage is whose
 * @param locations the URI of each storage listed in a {@code cluster.storage.*} line, by id
 */
public record ClusterStorages(StorageRegistry registry, Map<String, String> locations) {
    private static final String PREFIX = "cluster.storage.";

    public ClusterStorages {
        locations = Map.copyOf(locations);
    }

    /** One storage per member, named after it: what a cluster without {@code cluster.storage.*} lines has. */
    public static ClusterStorages defaults(ClusterConfig cluster) {
        return from(new Properties(), cluster);
    }

    static ClusterStorages from(Properties p, ClusterConfig cluster) {
        StorageRegistry.Builder b = StorageRegistry.builder();
        for (ClusterNode n : cluster.members()) {
            b.nodeLocal(n.name(), n.name()); // registered first: each member's home
        }
        Map<String, String> locations = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX)).sorted().toList()) {
            String id = key.substring(PREFIX.length());
            String[] w = p.getProperty(key).trim().split("\\s+", 3);
            String kind = w[0].toLowerCase(Locale.ROOT);
            try {
                if (kind.equals("shared") && w.length == 2) {
                    b.shared(id);
                    locations.put(id, w[1]);
                } else if (kind.equals("local") && w.length == 3) {
                    b.nodeLocal(id, w[1]);
                    locations.put(id, w[2]);
                } else {
                    throw new IllegalArgumentException("must be 'shared URI' or 'local NODE URI', not '"
                            + p.getProperty(key).trim() + "'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }
        return new ClusterStorages(b.build(), locations);
    }

    /**
     * The same with the shared storage {@code id} added to the registry (the grid of conf/grid.properties, which the
     * node opens itself: its location is not listed here). A {@code cluster.storage.<id>} line with that id is an
     * IllegalArgumentException naming it.
     */
    public ClusterStorages withShared(String id) {
        StorageRegistry.Builder b = StorageRegistry.builder();
        // homes first: the first node-local storage of a node is its home
        for (StorageRegistry.StorageEntry e : registry.entries()) {
            if (e.kind() == StorageRegistry.Kind.NODE_LOCAL && registry.isHome(e.id())) {
                b.nodeLocal(e.id(), e.node());
            }
        }
        for (StorageRegistry.StorageEntry e : registry.entries()) {
            if (e.kind() == StorageRegistry.Kind.SHARED) {
                b.shared(e.id());
            } else if (!registry.isHome(e.id())) {
                b.nodeLocal(e.id(), e.node());
            }
        }
        try {
            b.shared(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + id + ": the id " + id + " is the grid's (conf/grid.properties)"
                    + "; give this storage another id");
        }
        return new ClusterStorages(b.build(), locations);
    }

    /** The storages {@code node} opens besides its home, to read copies there: its other ones and the shared ones. */
    public Map<String, String> readableBy(String node) {
        Map<String, String> out = new LinkedHashMap<>();
        locations.forEach((id, uri) -> {
            if (registry.isShared(id) || registry.nodeOf(id).filter(node::equals).isPresent()) {
                out.put(id, uri);
            }
        });
        return out;
    }
}
