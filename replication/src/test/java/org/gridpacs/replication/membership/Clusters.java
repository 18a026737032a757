package org.gridpacs.replication.membership;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.dicom.testutil.Ports;

/** Test support: loopback clusters on free membership ports (5800-5899, shared with other test runs). */
final class Clusters {
    private Clusters() {
    }

    /** Members node1..nodeN on 127.0.0.1, each with a membership port free right now. */
    static List<ClusterNode> loopback(int n) throws IOException {
        List<ClusterNode> nodes = new ArrayList<>();
        for (int port : Ports.freePortsInRange(5800, 100, n)) {
            nodes.add(new ClusterNode("node" + (nodes.size() + 1), "127.0.0.1", 1, 1, port));
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
}
