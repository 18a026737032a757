package org.gridpacs.archive.store;

/** One instance to store, as the protocol adapter received it (C-STORE command, STOW-RS part). */
public record StoreRequest(String sopClassUID, String sopInstanceUID, String transferSyntaxUID, String callingAETitle) {
}
