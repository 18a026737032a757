package org.gridpacs.archive.store;

/** What to do when a different object arrives under a SOP Instance UID already stored (`store.duplicatePolicy`). */
public enum DuplicatePolicy {
    /** Keep the stored object; the sender gets failure 0x0111 (Duplicate SOP Instance). The safe default. */
    REJECT,
    /** Replace the stored object with the new one (corrected resends); the sender gets success. */
    REPLACE
}
