package org.gridpacs.replication.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlacementTest {
    private final Placement placement = new Placement(2);

    @Test
    void sameAnswerWhateverTheOrderOfTheMemberList() {
        for (int s = 0; s < 200; s++) {
            String study = "1.2.3." + s;
            assertEquals(placement.replicaSet(study, List.of("node1", "node2", "node3")),
                    placement.replicaSet(study, List.of("node3", "node1", "node2")));
        }
    }

    @Test
    void distinctNodesAndNoMoreThanThereAre() {
        assertEquals(List.of("node1"), placement.replicaSet("1.2", List.of("node1")));
        List<String> set = placement.replicaSet("1.2", List.of("node1", "node2", "node3", "node4"));
        assertEquals(2, set.size());
        assertTrue(!set.get(0).equals(set.get(1)));
    }

    @Test
    void studiesSpreadEvenlyOverTheNodes() {
        Map<String, Integer> load = new HashMap<>();
        for (int s = 0; s < 3000; s++) {
            placement.replicaSet("2.25." + s * 7919L, List.of("node1", "node2", "node3"))
                    .forEach(n -> load.merge(n, 1, Integer::sum));
        }
        // 6000 copies over 3 nodes: 2000 each, within a few percent
        load.values().forEach(n -> assertTrue(Math.abs(n - 2000) < 150, load.toString()));
    }

    @Test
    void aJoiningNodeMovesOnlyTheStudiesItTakes() {
        int moved = 0;
        int studies = 3000;
        for (int s = 0; s < studies; s++) {
            String study = "2.25." + s * 104729L;
            List<String> before = placement.replicaSet(study, List.of("node1", "node2", "node3"));
            List<String> after = placement.replicaSet(study, List.of("node1", "node2", "node3", "node4"));
            if (!after.contains("node4")) {
                assertEquals(before, after, "a study node4 does not take keeps its replica set");
            } else {
                moved++;
                // node4 replaces exactly one former holder; the other stays
                assertEquals(1, after.stream().filter(before::contains).count());
            }
        }
        // node4 takes its share: 2 of 4 slots, so about half of the studies get one copy on it
        assertTrue(Math.abs(moved - studies / 2) < studies / 10, "moved " + moved);
    }
}
