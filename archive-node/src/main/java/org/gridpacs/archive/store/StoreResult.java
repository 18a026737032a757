package org.gridpacs.archive.store;

import org.gridpacs.archive.storage.StoredObject;

/**
 * A stored instance: its status (success, or a warning code), what happened in words, and where it is.
 *
 * @param outcome STORED (new), ALREADY_STORED (the same object was sent again: nothing changed) or REPLACED
 */
public record StoreResult(int status, Outcome outcome, StoredObject object, String comment) {

    public enum Outcome {
        STORED, ALREADY_STORED, REPLACED
    }
}
