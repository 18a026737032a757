package org.gridpacs.dicom.data;

/**
 * A value left in its source instead of being loaded: the byte offset of the value in the encoded stream
 * (after any file preamble and meta information, counted from the start of the stream) and its length.
 * {@code bigEndian} records the byte order of the source, since bulk values are not swapped.
 */
public record BulkData(long offset, long length, boolean bigEndian) {
}
