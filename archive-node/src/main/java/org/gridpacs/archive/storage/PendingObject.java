package org.gridpacs.archive.storage;

import java.io.IOException;
import java.util.Objects;

/**
 * A new object whose content is forced to disk and in place under its key, with the last step of making it durable
 * (forcing its folder entry) possibly still running: {@link Storage#createPending}. The caller can do other work
 * meanwhile (the C-STORE path writes the index) and must call {@link #awaitDurable()} before it calls the object
 * durable; if that fails, the object is the caller's to remove.
 */
public final class PendingObject {
    /** The rest of making an object durable, waited for once. */
    @FunctionalInterface
    public interface Durability {
        void await() throws IOException;
    }

    private static final Durability DONE = () -> { };

    private final StoredObject object;
    private final Durability durability;

    public PendingObject(StoredObject object, Durability durability) {
        this.object = Objects.requireNonNull(object, "object");
        this.durability = Objects.requireNonNull(durability, "durability");
    }

    /** An object that is durable already. */
    public static PendingObject durable(StoredObject object) {
        return new PendingObject(object, DONE);
    }

    public StoredObject object() {
        return object;
    }

    /** Returns once the object is durable; throws when it could not be made so (the object is then not durable). */
    public void awaitDurable() throws IOException {
        durability.await();
    }

    /** The same pending durability for {@code other} (the same object described with more: its checksum). */
    PendingObject describedAs(StoredObject other) {
        return new PendingObject(other, durability);
    }
}
