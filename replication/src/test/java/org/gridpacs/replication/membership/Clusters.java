package org.gridpacs.replication.membership;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;

/** Test support: loopback clusters on free membership ports (5800-5899, shared with other test runs). */
final class Clusters {
    private Clusters() {
    }

    /** Members node1..nodeN on 127.0.0.1, each with a membership port free right now. */
    static List<ClusterNode> loopback(int n) throws IOException {
        List<ClusterNode> nodes = new ArrayList<>();
        int start = ThreadLocalRandom.current().nextInt(100);
        for (int i = 0; i < 100 && nodes.size() < n; i++) {
            int port = 5800 + (start + i) % 100;
            if (free(port)) {
                nodes.add(new ClusterNode("node" + (nodes.size() + 1), "127.0.0.1", 1, 1, port));
            }
        }
        if (nodes.size() < n) {
            throw new IOException("fewer than " + n + " free ports in 5800-5899");
        }
        return nodes;
    }

    static ClusterConfig config(String self, List<ClusterNode> members) {
        return new ClusterConfig(self, members, 1, 1, 60, 200, null);
    }

    /** "node1=127.0.0.1:5801,node2=..." for the child JVM's command line, and back. */
    static String format(List<ClusterNode> members) {
        return String.join(",", members.stream().map(m -> m.name() + "=" + m.host() + ":" + m.membershipPort()).toList());
    }

    static List<ClusterNode> parse(String s) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (String item : s.split(",")) {
            String[] nameAddr = item.split("=");
            String[] hostPort = nameAddr[1].split(":");
            nodes.add(new ClusterNode(nameAddr[0], hostPort[0], 1, 1, Integer.parseInt(hostPort[1])));
        }
        return nodes;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
