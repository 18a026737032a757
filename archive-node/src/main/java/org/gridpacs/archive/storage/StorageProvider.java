package org.gridpacs.archive.storage;

/**
 * Makes storages of one URI scheme: the seam an object-store module ({@code s3:}) plugs into without
 * {@code archive-node} knowing it, as dcm4chee-arc chooses its Storage SPI by scheme. A provider is found by
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/org.gridpacs.archive.storage.StorageProvider}
 * line in its jar) or registered by the composition root with {@link StorageProviders#register}.
 *
 * <p>A provider's storages need not compute checksums: {@link StorageProviders} wraps each in a
 * {@link ChecksummingStorage}, so their {@link Storage#create} may answer a null checksum.
 */
public interface StorageProvider {

    /** The URI scheme it serves, without the colon, for example {@code file} or {@code s3}; compared ignoring case. */
    String scheme();

    /**
     * Opens the storage {@code id} at {@code location} (a URI of this provider's scheme). {@code fsync} false
     * allows trading durability for speed (benchmarks, tests); a provider with no such trade ignores it. A bad
     * location is an {@link IllegalArgumentException} naming the storage.
     */
    Storage open(String id, String location, boolean fsync);
}
