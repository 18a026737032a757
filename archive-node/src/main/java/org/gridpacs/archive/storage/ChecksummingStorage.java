package org.gridpacs.archive.storage;

import java.io.IOException;

/**
 * The one place where a new object's checksum (CRC-32C) is computed, around any storage a provider gives: while
 * the writer streams the object into the storage, so that the C-STORE path reads its data once and every scheme
 * ({@code file:}, {@code s3:}, a test's {@code mem:}) gets the same checksum in its location rows without
 * computing it itself. {@link StorageProviders} puts one around every storage it opens; the other operations
 * pass straight through.
 */
public final class ChecksummingStorage extends ForwardingStorage {
    private ChecksummingStorage(Storage storage) {
        super(storage);
    }

    /** {@code storage} with checksums; one already wrapped is given back as it is (a checksum is computed once). */
    public static Storage of(Storage storage) {
        return storage instanceof ChecksummingStorage ? storage : new ChecksummingStorage(storage);
    }

    @Override
    public StoredObject create(ContentWriter writer) throws IOException {
        ChecksummingOutputStream[] counted = new ChecksummingOutputStream[1];
        StoredObject object = storage.create(counting(writer, counted));
        return checked(object, counted[0]);
    }

    @Override
    public PendingObject createPending(ContentWriter writer) throws IOException {
        ChecksummingOutputStream[] counted = new ChecksummingOutputStream[1];
        PendingObject pending = storage.createPending(counting(writer, counted));
        return pending.describedAs(checked(pending.object(), counted[0]));
    }

    private static ContentWriter counting(ContentWriter writer, ChecksummingOutputStream[] counted) {
        return out -> {
            counted[0] = new ChecksummingOutputStream(out);
            writer.writeTo(counted[0]);
        };
    }

    /** The object with its checksum; removed (and refused) if the storage kept other than what was written. */
    private StoredObject checked(StoredObject object, ChecksummingOutputStream counted) throws IOException {
        if (counted == null || object.size() != counted.size()) {
            // a storage that lost or added bytes must not get an index row with a checksum of other content
            long written = counted == null ? 0 : counted.size();
            try {
                storage.remove(object.key());
            } catch (IOException | RuntimeException e) {
                // the startup check finds the unindexed object
            }
            throw new IOException("storage " + storage.id() + " kept " + object.size() + " bytes of " + written
                    + " written to " + object.key());
        }
        return new StoredObject(object.storageId(), object.key(), object.size(), counted.checksum());
    }

    /** The storage underneath (tests, administration: a file storage's root). */
    public Storage unwrap() {
        return storage;
    }
}
