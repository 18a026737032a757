package org.gridpacs.archive.storage;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Makes a storage from its configured location; the URI scheme chooses the implementation, as in dcm4chee-arc. */
public final class Storages {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

    private Storages() {
    }

    /**
     * {@code file:/abs/path}, {@code file:///abs/path}, {@code file:relative/path} or a plain path: a
     * {@link FileSystemStorage} (with fsync). Any other scheme is an {@link IllegalArgumentException}.
     */
    public static Storage fromUri(String id, String uri) {
        return fromUri(id, uri, true);
    }

    /** As {@link #fromUri(String, String)}; {@code fsync} false trades durability for speed (benchmarks, tests). */
    public static Storage fromUri(String id, String uri, boolean fsync) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("storage " + id + " has no location");
        }
        Matcher m = SCHEME.matcher(uri);
        // one letter before the colon is a Windows drive, not a scheme
        if (!m.find() || m.group(1).length() == 1) {
            return new FileSystemStorage(id, Path.of(uri), fsync);
        }
        String scheme = m.group(1);
        if (!scheme.equalsIgnoreCase("file")) {
            throw new IllegalArgumentException("storage " + id + ": unsupported URI scheme \"" + scheme + ":\" in "
                    + uri + " (only file: is supported; s3: comes later)");
        }
        Path root = filePath(id, uri);
        if (root.toString().isEmpty()) {
            throw new IllegalArgumentException("storage " + id + ": " + uri + " names no folder");
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
