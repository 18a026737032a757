package org.gridpacs.archive.store;

import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.HeaderEncoder;
import org.gridpacs.archive.index.HierarchyConflictException;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.index.InstanceHeader;
import org.gridpacs.archive.index.InstanceIndex;
import org.gridpacs.archive.storage.ChecksummingStorage;
import org.gridpacs.archive.storage.PendingObject;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.DicomStreamException;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores instances: streams each one to storage while parsing its header once, then indexes it in one
 * transaction. The object is durable before the index names it, and the index is committed before the
 * caller hears of success; if indexing fails the object is removed again. Idempotent on SOP Instance UID:
 * the same object sent twice is stored once; a different object under a stored UID follows the
 * {@link DuplicatePolicy}.
 *
 * <p>What survives a crash (kill -9) once the caller has heard of success: the object (the storage makes it
 * durable before {@code create} returns) and its index row (the index writes every commit to its file before
 * the commit returns; should a power cut lose it, the startup repair indexes the object again). A replaced copy
 * is removed from storage only after the index change that stops naming it has committed, so a crash never
 * leaves a row naming a removed object.
 */
public final class StoreService implements InstanceStore {
    private static final Logger LOG = LoggerFactory.getLogger(StoreService.class);
    private final Storage storage;
    private final InstanceIndex index;
    private final DuplicatePolicy duplicatePolicy;

    public StoreService(Storage storage, InstanceIndex index, DuplicatePolicy duplicatePolicy) {
        // every stored object gets its checksum (duplicate detection and verified copies rely on it), whoever
        // made the storage; one already wrapped is not wrapped twice
        this.storage = ChecksummingStorage.of(storage);
        this.index = index;
        this.duplicatePolicy = duplicatePolicy;
    }

    /** What this node does with a different object under a stored SOP Instance UID (the cluster applies it too). */
    public DuplicatePolicy duplicatePolicy() {
        return duplicatePolicy;
    }

    /**
     * Stores one instance whose data set {@code data} streams in the request's transfer syntax.
     *
     * @throws StoreException with the DICOM failure status when the instance is refused or cannot be stored
     * @throws IOException    when reading {@code data} fails (the sender went away): nothing is stored
     */
    @Override
    public StoreResult store(StoreRequest request, InputStream data) throws StoreException, IOException {
        return store(request, data, ReplicaTap.NONE);
    }

    /**
     * The bytes of the header part held for a {@link ReplicaTap} until the header is parsed, at most: an instance
     * whose header part is larger (an RT Structure Set, an RT Plan: no pixel data, all header) is not streamed.
     */
    public static final int TAP_HEADER_LIMIT = 2 * 1024 * 1024;

    /**
     * As {@link #store(StoreRequest, InputStream)}, with every byte of the stored object also handed to the stream
     * {@code tap} opens once the header is parsed: closed when the object is complete (before it is forced to disk,
     * so that a replica becomes durable while this copy does), aborted when the instance is refused or the sender
     * goes away while it is written. A failure after that (forcing, indexing, the duplicate policy) is reported to
     * the caller as usual: the tap's owner withdraws its replica then.
     */
    public StoreResult store(StoreRequest request, InputStream data, ReplicaTap tap) throws StoreException, IOException {
        TransferSyntax ts = transferSyntax(request);
        // no source AE in the meta information: the same data set then always gives the same file and checksum
        byte[] meta = FileMetaInformation.encode(FileMetaInformation.create(request.sopClassUID(),
                request.sopInstanceUID(), ts.uid(), null));
        InstanceHeader[] header = new InstanceHeader[1];
        SourceStream source = new SourceStream(data);
        PendingObject pending;
        long[] written = new long[1];
        try {
            pending = storage.createPending(out -> {
                OutputStream sink = new StorageSink(out);
                TapSink tapped = tap == ReplicaTap.NONE ? null : new TapSink(sink, tap, request, TAP_HEADER_LIMIT);
                try {
                    (tapped != null ? tapped : sink).write(meta);
                    header[0] = parseWhileCopying(request, ts, source, tapped != null ? tapped : sink, tapped);
                } catch (IOException | RuntimeException e) {
                    if (tapped != null) {
                        tapped.abort(source.failed ? "the sender went away" : "the instance was refused: " + e.getMessage());
                    }
                    throw e;
                }
                if (tapped != null) {
                    tapped.finish();
                }
                written[0] = System.nanoTime();
            });
        } catch (StorageWriteException e) {
            throw new StoreException(Status.OUT_OF_RESOURCES, "cannot write to storage " + storage.id() + ": "
                    + e.getCause().getMessage(), e);
        } catch (InvalidInstanceException e) {
            throw new StoreException(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, e.getMessage());
        } catch (DicomStreamException | EOFException e) {
            throw new StoreException(Status.CANNOT_UNDERSTAND, "the data set cannot be read: " + e.getMessage(), e);
        } catch (IOException e) {
            if (source.failed) {
                throw e; // the sender went away
            }
            // the storage failed outside the writes: creating the object's file or folder, forcing or renaming it
            throw new StoreException(Status.OUT_OF_RESOURCES, "cannot write to storage " + storage.id() + ": "
                    + e.getMessage(), e);
        }
        long forced = System.nanoTime();
        StoreResult result = index(request, header[0], pending);
        if (LOG.isDebugEnabled()) {
            // where the time of a store goes once its data has arrived: forcing the object to disk, then the index
            // (with the forcing of its folder entry, which runs meanwhile)
            LOG.debug("{}: forced in {} ms, indexed in {} ms", header[0].sopInstanceUID(),
                    (forced - written[0]) / 1_000_000.0, (System.nanoTime() - forced) / 1_000_000.0);
        }
        return result;
    }

    static TransferSyntax transferSyntax(StoreRequest request) throws StoreException {
        try {
            return TransferSyntax.of(request.transferSyntaxUID());
        } catch (IllegalArgumentException e) {
            throw new StoreException(Status.CANNOT_UNDERSTAND, e.getMessage());
        }
    }

    /**
     * Reads the header through a tee into the storage sink and checks it, then reads the rest (pixel data) through
     * to the end, so that all of it is copied as is and an object cut short is refused.
     */
    private static InstanceHeader parseWhileCopying(StoreRequest request, TransferSyntax ts, InputStream data,
                                                    OutputStream sink, TapSink tap) throws IOException {
        TeeInputStream tee = new TeeInputStream(data, sink);
        // a small read buffer: it only has to hold the header (a few KiB) ahead of the pixel data, and is new per store
        DicomInputStream in = new DicomInputStream(tee, 16 * 1024);
        in.setTransferSyntax(ts);
        in.setBulkDataThreshold(HeaderEncoder.BULK_DATA_THRESHOLD); // large values stay in the file only
        DataSet ds = in.readDataSet(Tag.PixelData);
        checkAgainstCommand(request, ds);
        InstanceHeader header;
        try {
            header = InstanceHeader.of(ds, ts.uid(), HeaderEncoder.encode(ds));
        } catch (IllegalArgumentException e) {
            throw new InvalidInstanceException(e.getMessage());
        }
        if (tap != null) {
            tap.headerParsed(header);
        }
        // the rest (Pixel Data and what follows) is parsed too, its large values skipped through the tee: only
        // so does a data set that ends inside a value fail (EOFException) instead of being stored cut short
        in.readDataSet();
        tee.copyRest(); // for deflate: whatever follows the end of the deflated stream
        return header;
    }

    private static void checkAgainstCommand(StoreRequest request, DataSet ds) throws InvalidInstanceException {
        String iuid = ds.getString(Tag.SOPInstanceUID);
        if (iuid != null && !iuid.equals(request.sopInstanceUID())) {
            throw new InvalidInstanceException("the data set's SOP Instance UID " + iuid
                    + " differs from the one in the C-STORE request, " + request.sopInstanceUID());
        }
        String cuid = ds.getString(Tag.SOPClassUID);
        if (cuid != null && !cuid.equals(request.sopClassUID())) {
            throw new InvalidInstanceException("the data set's SOP Class UID " + cuid
                    + " differs from the one in the C-STORE request, " + request.sopClassUID());
        }
    }

    /**
     * Indexes the object while the storage finishes making it durable (forcing its folder entry), and answers once
     * both are done. The index may name the object before that last force returns: the object's content is forced
     * and its file renamed into place already (anyone reading the index finds it whole), and only a power cut in
     * that window, which the unforced index commit may not survive either, could leave a row naming a file whose
     * entry was lost: the startup check marks it MISSING and, the store never having been acknowledged, the
     * sender's resend replaces it. Every path other than a plain insert (a duplicate, a replacement that removes
     * the copies it replaces) waits for the object to be durable first.
     */
    private StoreResult index(StoreRequest request, InstanceHeader header, PendingObject pending) throws StoreException {
        StoredObject object = pending.object();
        try {
            if (index.insert(header, object, request.callingAETitle())) {
                awaitIndexed(request, header, pending);
                LOG.debug("Stored {} from {} as {}", header.sopInstanceUID(), request.callingAETitle(), object.key());
                // a new instance: the index lists exactly this copy
                return new StoreResult(Status.SUCCESS, StoreResult.Outcome.STORED, object, null, header,
                        List.of(object));
            }
            awaitDurable(pending);
            IndexedInstance existing = index.find(header.sopInstanceUID()).orElse(null);
            List<IndexedInstance.Location> usable = existing == null ? List.of() : usableCopies(existing);
            if (usable.isEmpty()) {
                // indexed, but no copy is left (lost file, repair marked it): the resend heals it
                replace(request, header, object);
                LOG.warn("{} was indexed without a usable copy; the copy {} just received from {} replaces it",
                        header.sopInstanceUID(), object.key(), request.callingAETitle());
                return new StoreResult(Status.SUCCESS, StoreResult.Outcome.REPLACED, object, "restored a lost copy",
                        header, List.of(object));
            }
            IndexedInstance.Location own = usable.stream().filter(l -> l.storageId().equals(storage.id()))
                    .findFirst().orElse(null);
            if (own != null && sameObject(own, object)) {
                remove(object);
                // nothing changed: the copies are those just read
                return new StoreResult(Status.SUCCESS, StoreResult.Outcome.ALREADY_STORED, stored(own), "already stored",
                        header, usable.stream().map(StoreService::stored).toList());
            }
            if (own == null && usable.stream().allMatch(l -> sameObject(l, object))) {
                // the same object held elsewhere (another node of the cluster): this is one more copy of it
                if (index.addLocation(header.sopInstanceUID(), object)) {
                    // addLocation touched only this storage's rows (none usable): the copies read, and this one
                    List<StoredObject> copies = new ArrayList<>(usable.stream().map(StoreService::stored).toList());
                    copies.add(object);
                    return new StoreResult(Status.SUCCESS, StoreResult.Outcome.STORED, object, "one more copy", header,
                            copies);
                }
            }
            if (duplicatePolicy == DuplicatePolicy.REJECT) {
                remove(object);
                LOG.warn("Refused {} from {}: a different object with this SOP Instance UID is already stored",
                        header.sopInstanceUID(), request.callingAETitle());
                throw new StoreException(Status.DUPLICATE_SOP_INSTANCE,
                        "a different object with this SOP Instance UID is already stored");
            }
            replace(request, header, object);
            LOG.info("Replaced {} with a new object from {}", header.sopInstanceUID(), request.callingAETitle());
            // replace drops every location of the instance, other storages' too: this copy is the only one
            return new StoreResult(Status.SUCCESS, StoreResult.Outcome.REPLACED, object, "replaced the stored object",
                    header, List.of(object));
        } catch (HierarchyConflictException e) {
            remove(object);
            LOG.warn("Refused {} from {}: {}", header.sopInstanceUID(), request.callingAETitle(), e.getMessage());
            throw new StoreException(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, e.getMessage());
        } catch (SQLException | RuntimeException e) {
            remove(object);
            LOG.error("Could not index {} from {}; the received object was removed again", header.sopInstanceUID(),
                    request.callingAETitle(), e);
            throw new StoreException(Status.PROCESSING_FAILURE, "the archive index could not be updated: " + e.getMessage(), e);
        }
    }

    /** Waits for a new object to be durable; if it cannot be, removes it and refuses the instance. */
    private void awaitDurable(PendingObject pending) throws StoreException {
        try {
            pending.awaitDurable();
        } catch (IOException e) {
            remove(pending.object());
            throw new StoreException(Status.OUT_OF_RESOURCES, "cannot write to storage " + storage.id() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Waits for an object just indexed to be durable; if it cannot be, its location is marked MISSING (as the startup
     * check would, and as a resend heals) before the object is removed and the instance refused.
     */
    private void awaitIndexed(StoreRequest request, InstanceHeader header, PendingObject pending) throws StoreException {
        try {
            pending.awaitDurable();
        } catch (IOException e) {
            StoredObject object = pending.object();
            try {
                index.markLocation(object.storageId(), object.key(), MISSING);
            } catch (SQLException | RuntimeException m) {
                e.addSuppressed(m); // the startup check marks it
            }
            remove(object);
            LOG.error("Could not make {} from {} durable; its index entry is marked {}", header.sopInstanceUID(),
                    request.callingAETitle(), MISSING, e);
            throw new StoreException(Status.OUT_OF_RESOURCES, "cannot write to storage " + storage.id() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The status of a location whose object is not there (as the startup check marks it). */
    private static final String MISSING = "MISSING";

    /**
     * Points the index at the new object and removes the copies it replaces from this storage: only after the
     * index change has committed (InstanceIndex.replace returns then), so that a crash cannot leave the index
     * naming a removed copy.
     */
    private void replace(StoreRequest request, InstanceHeader header, StoredObject object) throws SQLException {
        for (IndexedInstance.Location l : index.replace(header, object, request.callingAETitle())) {
            // a conflict's losing copy kept aside (docs/cluster.md) is the administrator's to remove, not ours
            if (l.storageId().equals(storage.id()) && !"CONFLICT".equals(l.status())) {
                remove(stored(l));
            }
        }
    }

    /** Copies marked OK whose object is really there (a copy on another storage is taken at its word). */
    private List<IndexedInstance.Location> usableCopies(IndexedInstance existing) {
        return existing.locations().stream()
                .filter(l -> "OK".equals(l.status()))
                .filter(l -> !l.storageId().equals(storage.id()) || exists(l.storageKey()))
                .toList();
    }

    private boolean exists(String key) {
        try {
            return storage.exists(key);
        } catch (IOException e) {
            return false;
        }
    }

    private static StoredObject stored(IndexedInstance.Location l) {
        return new StoredObject(l.storageId(), l.storageKey(), l.size(), l.checksum());
    }

    private static boolean sameObject(IndexedInstance.Location l, StoredObject object) {
        return l.size() == object.size() && object.checksum() != null && object.checksum().equals(l.checksum());
    }

    private void remove(StoredObject object) {
        try {
            storage.remove(object.key());
        } catch (IOException e) {
            // left for the administrator: the startup check reports (and may index) objects no index entry names
            LOG.warn("Could not remove {} from storage {}: {}", object.key(), storage.id(), e.getMessage());
        }
    }

    /** The header broke a rule of the standard (a missing or contradicting UID). */
    private static final class InvalidInstanceException extends IOException {
        InvalidInstanceException(String message) {
            super(message);
        }
    }

    /** A write to the storage failed: the disk, not the data, is at fault. */
    private static final class StorageWriteException extends IOException {
        StorageWriteException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The sender's data stream, remembering whether reading it failed (the network, not the storage). */
    private static final class SourceStream extends java.io.FilterInputStream {
        boolean failed;

        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return in.skip(n);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** Tells storage failures apart from failures to read the data stream. */
    private static final class StorageSink extends FilterOutputStream {
        StorageSink(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new StorageWriteException(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StorageWriteException(e);
            }
        }
    }
}
