package org.gridpacs.archive.commitment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Who answers a pending request: its receiver while up, else one survivor every node agrees on. */
class AnsweringNodeTest {
    private static CommitmentRequest receivedBy(String node, String uid) {
        return new CommitmentRequest(uid, "MOD", "PACS", node, 0, List.of(new ReferencedSop("1.2", "1.2.3")));
    }

    @Test
    void theReceiverWhileUpElseTheSameSurvivorWhateverTheOrderOfTheList() {
        assertEquals("node1", AnsweringNode.of(receivedBy("node1", "2.25.1"), List.of("node2", "node1", "node3")));
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            CommitmentRequest r = receivedBy("node1", "2.25." + i);
            String a = AnsweringNode.of(r, List.of("node2", "node3"));
            assertEquals(a, AnsweringNode.of(r, List.of("node3", "node2")));
            assertTrue(a.equals("node2") || a.equals("node3"));
            chosen.add(a);
        }
        assertEquals(Set.of("node2", "node3"), chosen, "takeovers are spread over the survivors");
        assertNull(AnsweringNode.of(receivedBy("node1", "2.25.1"), List.of()));
    }
}
