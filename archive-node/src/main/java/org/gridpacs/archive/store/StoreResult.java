package org.gridpacs.archive.store;

import java.util.List;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StoredObject;

/**
 * A stored instance: its status (success, or a warning code), what happened in words, and where it is.
 *
 * @param outcome STORED (new, or one more copy of an object held elsewhere), ALREADY_STORED (the same object was
 *                sent again: nothing changed) or REPLACED
 * @param object  the stored copy on this node's storage
 * @param header  the instance's header as received (study, series, the keys the index keeps)
 * @param copies  the instance's usable copies as the index lists them once this store is done, {@code object}
 *                included: every copy marked OK (one on this node's storage only if its object is there). They
 *                may differ from {@code object} (a different object held elsewhere, when the same one was sent
 *                again here); compare checksums. The store reads them anyway, so that a caller needs no lookup.
 */
public record StoreResult(int status, Outcome outcome, StoredObject object, String comment, InstanceHeader header,
                          List<StoredObject> copies) {

    public StoreResult {
        copies = List.copyOf(copies);
    }

    public enum Outcome {
        STORED, ALREADY_STORED, REPLACED
    }
}
