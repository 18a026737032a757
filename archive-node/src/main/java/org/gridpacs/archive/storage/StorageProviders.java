package org.gridpacs.archive.storage;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens storages by the URI scheme of their location: scheme -> {@link StorageProvider}. {@link #standard()} has
 * the {@code file} provider and every provider on the class path ({@link ServiceLoader}); the composition root
 * may {@link #register} more. Every storage it opens computes its checksums in one place,
 * {@link ChecksummingStorage}, whatever its provider.
 */
public final class StorageProviders {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

    private final Map<String, StorageProvider> providers = new ConcurrentHashMap<>();

    /** With no provider at all (tests); see {@link #standard()}. */
    public StorageProviders() {
    }

    /** The {@code file} provider and those found on the class path of this class's loader. */
    public static StorageProviders standard() {
        StorageProviders p = new StorageProviders().register(new FileStorageProvider());
        for (StorageProvider found : ServiceLoader.load(StorageProvider.class, StorageProviders.class.getClassLoader())) {
            p.register(found);
        }
        return p;
    }

    /**
     * Adds a provider; a second one for a scheme already served is an {@link IllegalArgumentException} (two
     * modules claiming {@code s3:} is a packaging error, better found at start than by which one loads first).
     */
    public StorageProviders register(StorageProvider provider) {
        String scheme = provider.scheme().toLowerCase(Locale.ROOT);
        StorageProvider before = providers.putIfAbsent(scheme, provider);
        if (before != null && before.getClass() != provider.getClass()) {
            throw new IllegalArgumentException("two storage providers for \"" + scheme + ":\": "
                    + before.getClass().getName() + " and " + provider.getClass().getName());
        }
        return this;
    }

    /** The schemes served, in order. */
    public List<String> schemes() {
        return List.copyOf(new TreeMap<>(providers).keySet());
    }

    /**
     * Opens the storage {@code id} at {@code uri}, with checksums. A plain path (or a Windows drive letter) is a
     * {@code file} location; a scheme no provider serves is an {@link IllegalArgumentException} naming it.
     */
    public Storage open(String id, String uri, boolean fsync) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("storage " + id + " has no location");
        }
        Matcher m = SCHEME.matcher(uri);
        // one letter before the colon is a Windows drive, not a scheme
        String scheme = m.find() && m.group(1).length() > 1 ? m.group(1).toLowerCase(Locale.ROOT)
                : FileStorageProvider.SCHEME;
        StorageProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new IllegalArgumentException("storage " + id + ": unsupported URI scheme \"" + scheme + ":\" in "
                    + uri + " (storage providers here: " + schemes() + ")");
        }
        return ChecksummingStorage.of(provider.open(id, uri, fsync));
    }
}
