package org.gridpacs.archive.storage;

/**
 * An object in a storage: its key there, its size and its checksum ("crc32c:" and 8 hex digits, computed
 * while it was written by {@link ChecksummingStorage}; null for objects found by {@link Storage#list} without
 * reading them, and from a provider's storage below that layer).
 */
public record StoredObject(String storageId, String key, long size, String checksum) {
}
