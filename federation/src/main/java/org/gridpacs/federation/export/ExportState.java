package org.gridpacs.federation.export;

/** Where an export stands in the {@link ExportQueue}. */
public enum ExportState {
    /** Waiting for the sender (new, or tried again after a failure at {@code nextTry}). */
    QUEUED,
    /** The sender is working on it (after a crash, found in this state and sent again from where it stopped). */
    SENDING,
    /** Every instance of the study was acknowledged by the destination. */
    DONE,
    /** Given up: a permanent problem (unknown site, no send permission, no such study, refused de-identification). */
    FAILED
}
