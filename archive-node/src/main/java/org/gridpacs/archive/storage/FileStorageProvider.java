package org.gridpacs.archive.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * {@code file:/abs/path}, {@code file:///abs/path} or {@code file:relative/path}: a {@link FileSystemStorage}
 * on a node's own disk. (A plain path without a scheme comes here too: {@link StorageProviders}.)
 */
public final class FileStorageProvider implements StorageProvider {
    public static final String SCHEME = "file";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Storage open(String id, String location, boolean fsync) {
        Path root = location.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1)
                ? filePath(id, location) : Path.of(location);
        if (root.toString().isEmpty()) {
            throw new IllegalArgumentException("storage " + id + ": " + location + " names no folder");
        }
        return new FileSystemStorage(id, root, fsync);
    }

    private static Path filePath(String id, String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            // written by hand with a space or the like in it: take what follows "file:" as the path
            return Path.of(uri.substring("file:".length()));
        }
        if (u.isOpaque()) {
            return Path.of(u.getSchemeSpecificPart()); // file:relative/path
        }
        if (u.getAuthority() != null && !u.getAuthority().isEmpty()) {
            throw new IllegalArgumentException("storage " + id + ": " + uri + " names a host; a file: location is local");
        }
        return Path.of(u.getPath());
    }
}
