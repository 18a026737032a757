package org.gridpacs.archive.store;

import java.util.List;

import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.storage.StoredObject;

/**
 * An instance was stored and its index entry committed: what a {@link StoreListener} hears (the dose rule and the
 * grid copy start "on arrival").
 *
 * @param node           the node that received the instance from its sender (C-STORE, STOW-RS, the dose service)
 * @param callingAETitle who sent it (the C-STORE's calling AE title, or the origin a data-set store named)
 * @param modality       the series' Modality (0008,0060), or null when the instance has none
 * @param arrival        whether the archive had the instance before
 */
public record InstanceStored(String studyInstanceUID, String seriesInstanceUID, String sopInstanceUID,
                             String sopClassUID, String modality, String node, String callingAETitle,
                             Arrival arrival) {

    public enum Arrival {
        /** The archive did not hold this SOP Instance UID. */
        NEW_INSTANCE,
        /** The same object was already held (here, or on another node of the cluster): nothing new. */
        DUPLICATE,
        /**
         * The object replaced the one stored under its SOP Instance UID: a different one (duplicate policy
         * REPLACE), or the same one resent where the index had no readable copy left.
         */
        REPLACED
    }

    /** The event for a store's result on {@code node}. */
    public static InstanceStored of(StoreResult result, String node, String callingAETitle) {
        InstanceHeader h = result.header();
        return new InstanceStored(h.studyInstanceUID(), h.seriesInstanceUID(), h.sopInstanceUID(), h.sopClassUID(),
                h.modality(), node, callingAETitle, arrival(result));
    }

    /** Whether the instance is new to the archive, not a copy of one it had. */
    public boolean isNew() {
        return arrival == Arrival.NEW_INSTANCE;
    }

    private static Arrival arrival(StoreResult result) {
        return switch (result.outcome()) {
            case ALREADY_STORED -> Arrival.DUPLICATE;
            case REPLACED -> Arrival.REPLACED;
            // STORED lists other copies only when the same object was already held elsewhere: one more copy
            case STORED -> hasOtherCopies(result.object(), result.copies()) ? Arrival.DUPLICATE : Arrival.NEW_INSTANCE;
        };
    }

    private static boolean hasOtherCopies(StoredObject object, List<StoredObject> copies) {
        return copies.stream().anyMatch(c -> !c.equals(object));
    }
}
