package org.gridpacs.replication.transfer;

import org.gridpacs.archive.index.CopyCatalog.CopyRecord;

/**
 * What one node tells the others about its own copies: it now holds one ({@link #copy}, with what it takes to
 * index the instance), or it no longer does ({@link #drop}). Each node speaks only for its own copies, so that the
 * order in which one node's announcements arrive is the order in which its copies changed.
 */
public record Announcement(Kind kind, String sopInstanceUID, String storageId, String storageKey, CopyRecord copy) {

    public enum Kind {
        COPY, DROP
    }

    public static Announcement copy(CopyRecord record) {
        return new Announcement(Kind.COPY, record.sopInstanceUID(), record.location().storageId(),
                record.location().storageKey(), record);
    }

    public static Announcement drop(String sopInstanceUID, String storageId, String storageKey) {
        return new Announcement(Kind.DROP, sopInstanceUID, storageId, storageKey, null);
    }
}
