package org.gridpacs.gateway.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One network namespace per cluster node, for tests that cut the network between nodes (not crash them). Node i
 * lives in namespace {@code gp78-n<i>} with address 10.78.i.2/24 on its end of a veth pair; the host's end,
 * {@code gp78h<i>}, has 10.78.i.1 and forwards between the nodes (forwarding on these interfaces only, not
 * net.ipv4.ip_forward). {@link #cut} takes a node's host end down: it then reaches no other node and no other
 * node reaches it, while it still serves whatever runs in its own namespace. 10.78 keeps clear of
 * scripts/bench-cluster's 10.77.
 *
 * <p>Needs root ({@link #available}). Everything made is removed by {@link #close}, by a shutdown hook should the
 * JVM end first, and before the next run makes its own (a run killed with -9 leaves them behind).
 */
final class NetworkNamespaces implements AutoCloseable {
    static final String NET = "10.78";
    private final int nodes;
    private final Thread cleanup = new Thread(this::removeAll, "netns-cleanup");
    private boolean closed;

    private NetworkNamespaces(int nodes) {
        this.nodes = nodes;
    }

    /** Whether this process may make namespaces (root, iproute2): tried, not guessed. */
    static boolean available() {
        try {
            String probe = "gp78-probe";
            run(false, "ip", "netns", "del", probe);
            if (run(false, "ip", "netns", "add", probe) != 0) {
                return false;
            }
            run(false, "ip", "netns", "del", probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Makes {@code nodes} namespaces, each linked to the host, and checks that node 1 has a route to node 2. */
    static NetworkNamespaces create(int nodes) throws IOException {
        NetworkNamespaces n = new NetworkNamespaces(nodes);
        n.removeAll(); // what a killed run left
        Runtime.getRuntime().addShutdownHook(n.cleanup);
        try {
            for (int i = 1; i <= nodes; i++) {
                String ns = namespace(i);
                String host = hostInterface(i);
                String node = "gp78n" + i;
                must("ip", "netns", "add", ns);
                must("ip", "link", "add", host, "type", "veth", "peer", "name", node, "netns", ns);
                must("ip", "addr", "add", NET + "." + i + ".1/24", "dev", host);
                must("ip", "link", "set", host, "up");
                must("sysctl", "-qw", "net.ipv4.conf." + host + ".forwarding=1");
                must("ip", "-n", ns, "link", "set", "lo", "up");
                must("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", node);
                must("ip", "-n", ns, "link", "set", node, "up");
                must("ip", "-n", ns, "route", "add", "default", "via", NET + "." + i + ".1");
            }
            if (nodes > 1 && run(false, "ip", "netns", "exec", namespace(1), "ip", "route", "get", address(2)) != 0) {
                throw new IOException("node 1's namespace does not reach " + address(2) + " through the host");
            }
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    static String namespace(int i) {
        return "gp78-n" + i;
    }

    static String address(int i) {
        return NET + "." + i + ".2";
    }

    private static String hostInterface(int i) {
        return "gp78h" + i;
    }

    /** Where node {@code nodeN} runs: its namespace's address, its JVM under ip netns exec. */
    ClusterProcesses.Placement placement(String nodeName) {
        int i = Integer.parseInt(nodeName.replaceAll("\\D", ""));
        return new ClusterProcesses.Placement(address(i), exec(i));
    }

    /** The prefix that runs a command inside node {@code i}'s namespace. */
    List<String> exec(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Cuts node {@code i} off: it reaches nobody, nobody reaches it. */
    void cut(int i) throws IOException {
        must("ip", "link", "set", hostInterface(i), "down");
    }

    /** Joins node {@code i} again. */
    void mend(int i) throws IOException {
        must("ip", "link", "set", hostInterface(i), "up");
        // the route through the host went with the link: put it back
        run(false, "ip", "-n", namespace(i), "route", "replace", "default", "via", NET + "." + i + ".1");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is ending: the hook runs anyway
        }
    }

    private void removeAll() {
        for (int i = 1; i <= Math.max(nodes, 9); i++) {
            try {
                run(false, "ip", "link", "del", hostInterface(i)); // takes its peer in the namespace with it
                run(false, "ip", "netns", "del", namespace(i));
            } catch (IOException e) {
                // nothing to remove, or no ip tool: nothing was made either
            }
        }
    }

    private static void must(String... command) throws IOException {
        List<String> out = new ArrayList<>();
        if (run(true, out, command) != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + String.join("\n", out));
        }
    }

    private static int run(boolean keep, String... command) throws IOException {
        return run(keep, new ArrayList<>(), command);
    }

    private static int run(boolean keep, List<String> output, String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        if (keep) {
            output.add(text.strip());
        }
        return p.exitValue();
    }
}
