package org.gridpacs.archive.index;

import java.util.List;

/** An instance as the index knows it: where its copies are. */
public record IndexedInstance(String sopInstanceUID, String sopClassUID, String studyInstanceUID,
                              String seriesInstanceUID, String transferSyntaxUID, List<Location> locations) {

    /** The re-staged copy ({@link Location#STAGED}) on storage {@code storageId}, or null. */
    public Location stagedOn(String storageId) {
        for (Location l : locations) {
            if (l.storageId().equals(storageId) && Location.STAGED.equals(l.status())) {
                return l;
            }
        }
        return null;
    }

    /** One copy: which storage, under which key, its size and checksum, and its status ("OK" when usable). */
    public record Location(String storageId, String storageKey, long size, String checksum, String status) {
        /**
         * A node's read cache of a grid-only instance (the grid tier's re-staging): read by this node's retrieves,
         * but no copy to anyone else. Not OK, so it is in no digest, no peer hears of it, and no repair counts it
         * or fetches from it; the grid copy remains the instance's copy.
         */
        public static final String STAGED = "STAGED";

        /** Whether this node's retrieve may read it: a usable copy, or this node's re-staged one. */
        public boolean readable() {
            return "OK".equals(status) || STAGED.equals(status);
        }
    }
}
