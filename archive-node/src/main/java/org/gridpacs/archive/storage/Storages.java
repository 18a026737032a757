package org.gridpacs.archive.storage;

/**
 * Makes a storage from its configured location through the {@link StorageProviders#standard() standard
 * providers} ({@code file:} and whatever the class path adds); the URI scheme chooses the implementation, as
 * in dcm4chee-arc.
 */
public final class Storages {
    private Storages() {
    }

    /** Found once: the class path does not change while the node runs. */
    private static final class Standard {
        static final StorageProviders PROVIDERS = StorageProviders.standard();
    }

    /**
     * {@code file:/abs/path}, {@code file:///abs/path}, {@code file:relative/path} or a plain path: a
     * {@link FileSystemStorage} (with fsync); another scheme: its provider's storage; a scheme no provider
     * serves is an {@link IllegalArgumentException}. Checksums are computed above the storage.
     */
    public static Storage fromUri(String id, String uri) {
        return fromUri(id, uri, true);
    }

    /** As {@link #fromUri(String, String)}; {@code fsync} false trades durability for speed (benchmarks, tests). */
    public static Storage fromUri(String id, String uri, boolean fsync) {
        return providers().open(id, uri, fsync);
    }

    /** The standard providers. */
    public static StorageProviders providers() {
        return Standard.PROVIDERS;
    }
}
