package org.gridpacs.archive.store;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StoredObject;

/**
 * A stored instance: its status (success, or a warning code), what happened in words, and where it is.
 *
 * @param outcome STORED (new), ALREADY_STORED (the same object was sent again: nothing changed) or REPLACED
 * @param object  the stored copy on this node's storage
 * @param header  the instance's header as received (study, series, the keys the index keeps)
 */
public record StoreResult(int status, Outcome outcome, StoredObject object, String comment, InstanceHeader header) {

    public enum Outcome {
        STORED, ALREADY_STORED, REPLACED
    }
}
