package org.gridpacs.archive.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Where instance files live: a handful of operations on opaque keys, as Orthanc's storage area and
 * dcm4chee-arc's Storage SPI keep it. Everything else (checksums, placement, caching) is layered above.
 * Implementations come from a {@link StorageProvider} chosen by the URI scheme of the configured location
 * ({@code file:} here, {@code s3:} in a module of its own) and must be safe for concurrent use. Whether a
 * storage is one node's or shared by all is not the storage's business: {@link StorageRegistry}.
 */
public interface Storage {

    /**
     * Writes the content of a new object into the stream it is given. The stream belongs to the storage:
     * closing it is harmless, but whatever the writer wraps around it (a buffer, a DicomOutputStream) it must
     * flush before returning, or the object ends short.
     */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The identifier of this storage in location rows (for example "fs1"). */
    String id();

    /**
     * Creates a new object with what {@code writer} writes, counting its size. When this returns the object is
     * durable (on disk: fsync'd and renamed into place); when it throws, nothing is left behind. The checksum is
     * computed above the provider's storage, by {@link ChecksummingStorage} (which every storage opened through
     * {@link StorageProviders} is wrapped in), while the writer streams: a provider's own storage answers null.
     */
    StoredObject create(ContentWriter writer) throws IOException;

    /**
     * As {@link #create}, but may return before the object is wholly durable: its content is forced to disk and in
     * place under its key (readable by anyone), and the last step (on a file system, forcing the folder entry of the
     * rename) may still be running, so that the caller can overlap it with its own work. The caller must call
     * {@link PendingObject#awaitDurable()} before it calls the object durable, and remove the object if that fails.
     * The default creates the object durable at once.
     */
    default PendingObject createPending(ContentWriter writer) throws IOException {
        return PendingObject.durable(create(writer));
    }

    /** Reads a whole object; {@link java.nio.file.NoSuchFileException} when the key names none. */
    InputStream open(String key) throws IOException;

    /**
     * Reads {@code length} bytes from {@code offset} (for bulk data and frames). A range that does not lie
     * wholly inside the object is an {@link java.io.EOFException} when opened, never a short read: a bulk data
     * reference past the end of its object means the index and the storage disagree, and a caller that got
     * fewer bytes than it asked for would send a corrupt object on. A zero length at the end is an empty stream.
     */
    InputStream openRange(String key, long offset, long length) throws IOException;

    /**
     * Whether an object is there, for repair (does each location still have its object?). The default opens
     * the object; implementations answer more cheaply where they can (a stat, an HTTP HEAD).
     */
    default boolean exists(String key) throws IOException {
        try (InputStream in = open(key)) {
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Removes an object; removing one that is not there is not an error. */
    void remove(String key) throws IOException;

    /** Visits every complete object (not ones being written), for repair: what is there versus what the index says. */
    void list(Consumer<StoredObject> visitor) throws IOException;

    /**
     * Removes leftovers of writes that never completed (after a crash); returns how many. Only while no write is
     * in progress (at start, before the node serves): a write in progress looks just like a leftover.
     */
    int sweepIncomplete() throws IOException;
}
