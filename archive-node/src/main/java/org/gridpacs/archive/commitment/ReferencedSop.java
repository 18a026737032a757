package org.gridpacs.archive.commitment;

/** One instance a Storage Commitment request names: an item of Referenced SOP Sequence (0008,1199). */
public record ReferencedSop(String sopClassUID, String sopInstanceUID) {
}
