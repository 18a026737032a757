package org.gridpacs.archive.index;

import java.util.List;

/** An instance as the index knows it: where its copies are. */
public record IndexedInstance(String sopInstanceUID, String sopClassUID, String studyInstanceUID,
                              String seriesInstanceUID, String transferSyntaxUID, List<Location> locations) {

    /** One copy: which storage, under which key, its size and checksum, and its status ("OK" when usable). */
    public record Location(String storageId, String storageKey, long size, String checksum, String status) {
    }
}
