package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A storage that passes every operation to another: a wrapper extends it and overrides only what it changes
 * ({@link ChecksummingStorage}'s writes; tests' counting or slowed storages).
 */
public abstract class ForwardingStorage implements Storage {
    protected final Storage storage;

    protected ForwardingStorage(Storage storage) {
        this.storage = storage;
    }

    @Override
    public String id() {
        return storage.id();
    }

    @Override
    public StoredObject create(ContentWriter writer) throws IOException {
        return storage.create(writer);
    }

    @Override
    public PendingObject createPending(ContentWriter writer) throws IOException {
        return storage.createPending(writer);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return storage.open(key);
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        return storage.openRange(key, offset, length);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return storage.exists(key);
    }

    @Override
    public void remove(String key) throws IOException {
        storage.remove(key);
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        storage.list(visitor);
    }

    @Override
    public int sweepIncomplete() throws IOException {
        return storage.sweepIncomplete();
    }

    @Override
    public String toString() {
        return storage.toString();
    }
}
