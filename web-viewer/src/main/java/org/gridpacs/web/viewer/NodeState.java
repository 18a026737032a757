package org.gridpacs.web.viewer;

import java.time.Instant;

/**
 * One node of the cluster as {@code GET /api/nodes} shows it.
 *
 * @param name     the node's name in the cluster ("node1"), or its AE title when it runs alone
 * @param dicom    where it takes associations ("host:port")
 * @param http     its user HTTP connector ("host:port")
 * @param state    what the cluster knows of it: "up", "catching up", "down", ... (free text, shown as is)
 * @param lastSeen when it was last heard from; null when never
 * @param self     whether it is the node that answers
 * @param conflicts the duplicate SOP Instance UID conflicts it recorded that are still open (docs/cluster.md);
 *                  null when not known here (another node's: ask that node)
 */
public record NodeState(String name, String dicom, String http, String state, Instant lastSeen, boolean self,
                        Integer conflicts) {

    public NodeState(String name, String dicom, String http, String state, Instant lastSeen, boolean self) {
        this(name, dicom, http, state, lastSeen, self, null);
    }
}
