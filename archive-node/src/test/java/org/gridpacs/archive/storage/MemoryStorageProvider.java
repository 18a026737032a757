package org.gridpacs.archive.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A storage of another scheme than {@code file:}, for tests of the provider seam: {@code mem:NAME} is a bucket
 * in memory, the same one for every storage opened on the same name (as two nodes see one object store). Found
 * by {@link java.util.ServiceLoader} through this module's test resources, as an {@code s3} module's would be.
 * Like any provider, it computes no checksum: that is done above it.
 */
public final class MemoryStorageProvider implements StorageProvider {
    private static final Map<String, Map<String, byte[]>> BUCKETS = new ConcurrentHashMap<>();

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public Storage open(String id, String location, boolean fsync) {
        String bucket = location.substring("mem:".length());
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("storage " + id + ": " + location + " names no bucket");
        }
        return new MemoryStorage(id, BUCKETS.computeIfAbsent(bucket, b -> new ConcurrentHashMap<>()));
    }

    /** Objects as byte arrays under random keys. */
    static class MemoryStorage implements Storage {
        private final String id;
        private final Map<String, byte[]> objects;

        MemoryStorage(String id, Map<String, byte[]> objects) {
            this.id = id;
            this.objects = objects;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public StoredObject create(ContentWriter writer) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            writer.writeTo(out);
            String key = UUID.randomUUID() + ".dcm";
            byte[] content = out.toByteArray();
            objects.put(key, content);
            return new StoredObject(id, key, content.length, null);
        }

        @Override
        public InputStream open(String key) throws IOException {
            return new ByteArrayInputStream(get(key));
        }

        @Override
        public InputStream openRange(String key, long offset, long length) throws IOException {
            byte[] b = get(key);
            if (offset < 0 || length < 0 || offset > b.length || length > b.length - offset) {
                throw new EOFException("bytes " + offset + " to " + (offset + length) + " of " + key);
            }
            return new ByteArrayInputStream(b, (int) offset, (int) length);
        }

        private byte[] get(String key) throws NoSuchFileException {
            byte[] b = objects.get(key);
            if (b == null) {
                throw new NoSuchFileException(key);
            }
            return b;
        }

        @Override
        public void remove(String key) {
            objects.remove(key);
        }

        @Override
        public void list(Consumer<StoredObject> visitor) {
            objects.forEach((k, v) -> visitor.accept(new StoredObject(id, k, v.length, null)));
        }

        @Override
        public int sweepIncomplete() {
            return 0;
        }
    }
}
