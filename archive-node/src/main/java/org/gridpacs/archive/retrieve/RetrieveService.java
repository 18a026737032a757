package org.gridpacs.archive.retrieve;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * Finds the instances a retrieve asks for and opens their stored copies; C-MOVE, C-GET and WADO are thin
 * adapters over it. Copies held only by other nodes are read through {@link RemoteCopies} (the replication
 * module), after this node's own.
 *
 * <p>A caller that is not a DIMSE adapter (WADO-RS, export) builds a {@link RetrieveContext}, resolves the
 * instances and opens each for that context:
 * <pre>
 * for (IndexedInstance i : service.resolve(QueryModel.STUDY_ROOT, identifier)) {
 *     try (RetrievedInstance r = service.open(context, i)) {
 *         r.writeTo(part);   // in r.transferSyntax(), transformed for the context's destination
 *     }
 * }</pre>
 */
public final class RetrieveService {
    private volatile java.util.function.Consumer<String> studyRead = study -> { };
    private final QueryService query;
    private final Map<String, Storage> storages;
    private final RemoteCopies remote;
    /** Storages read here but last: shared ones (the grid), off site and slower than a peer's disk. */
    private final java.util.Set<String> lastResort;
    /** Instances being fetched ahead for a retrieve, by SOP Instance UID. */
    private final Map<String, ReadAhead> readingAhead = new java.util.concurrent.ConcurrentHashMap<>();
    /** Objects fetched ahead per retrieve, and the threads fetching them (shared by every retrieve). */
    private static final int READ_AHEAD = 8;
    private static final java.util.concurrent.ExecutorService FETCHERS = java.util.concurrent.Executors
            .newFixedThreadPool(16, r -> {
                Thread t = new Thread(r, "read-ahead");
                t.setDaemon(true);
                return t;
            });

    public RetrieveService(QueryService query, Map<String, Storage> storages) {
        this(query, storages, RemoteCopies.NONE);
    }

    public RetrieveService(QueryService query, Map<String, Storage> storages, RemoteCopies remote) {
        this(query, storages, remote, java.util.Set.of());
    }

    /**
     * {@code lastResort}: ids among {@code storages} whose copies are read only when neither this node's own nor
     * another node's copy can be (a shared object store: the grid copy of a study whose local copies were removed).
     */
    public RetrieveService(QueryService query, Map<String, Storage> storages, RemoteCopies remote,
                           java.util.Set<String> lastResort) {
        this.query = query;
        this.storages = Map.copyOf(storages);
        this.remote = remote;
        this.lastResort = java.util.Set.copyOf(lastResort);
    }

    /**
     * The instances the identifier's unique keys select at its Query/Retrieve Level, in study/series order, after
     * the read barrier (what other nodes acknowledged before is in the index).
     */
    public List<IndexedInstance> resolve(QueryModel model, DataSet identifier) throws QueryException {
        // a study or series may have grown on another node a moment ago, and no count says whether every instance
        // is here yet: wait for the news first (one round trip per peer; retrieves are few beside stores)
        query.readBarrier().await();
        List<IndexedInstance> found = query.resolve(model, identifier);
        String last = null;
        for (IndexedInstance i : found) {
            // in study order: one call per study, not per instance
            if (!i.studyInstanceUID().equals(last)) {
                last = i.studyInstanceUID();
                studyRead.accept(last);
            }
        }
        return found;
    }

    /** Told of each study a retrieve resolves (the grid tier's "not read for N days"); cheap, on the caller's thread. */
    public void onStudyRead(java.util.function.Consumer<String> listener) {
        this.studyRead = listener;
    }

    /** The instance with this SOP Instance UID, if indexed (one lookup by the unique key). */
    public Optional<IndexedInstance> instance(String sopInstanceUID) throws QueryException {
        Optional<IndexedInstance> found = query.instance(sopInstanceUID);
        if (found.isEmpty()) {
            query.readBarrier().await();
            found = query.instance(sopInstanceUID);
        }
        return found;
    }

    /**
     * Opens an instance for a retrieve: chooses the transfer syntax from those the context's destination accepts
     * for its SOP class (the stored one when accepted, so that it goes as stored) and prepares the context's
     * transform. Throws {@link NoAcceptableTransferSyntaxException} when the destination accepts nothing it can
     * be sent in (nothing is opened then), an IOException when no copy can be read.
     */
    public RetrievedInstance open(RetrieveContext context, IndexedInstance instance)
            throws IOException, NoAcceptableTransferSyntaxException {
        List<String> accepted = context.acceptedTransferSyntaxes().forSopClass(instance.sopClassUID());
        if (accepted.isEmpty()) {
            throw new NoAcceptableTransferSyntaxException(context.destination().name() + " accepts no transfer syntax for "
                    + name(instance.sopClassUID()));
        }
        StoredInstance stored = open(instance);
        try {
            String chosen = TransferSyntaxChoice.choose(stored.transferSyntax(), accepted);
            if (chosen == null) {
                throw new NoAcceptableTransferSyntaxException("it is stored as " + stored.transferSyntax()
                        + ", which cannot be converted to what " + context.destination().name() + " accepts ("
                        + String.join(", ", accepted.stream().map(RetrieveService::name).toList()) + ") without a codec");
            }
            return RetrievedInstance.of(stored, TransferSyntax.of(chosen), context.transform());
        } catch (IOException | NoAcceptableTransferSyntaxException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    /**
     * Starts fetching ahead, a few at a time, the instances of {@code instances} that only a last-resort storage
     * (the grid) holds, in their order; {@link #open} then finds them in memory. Close it when the retrieve ends.
     */
    public ReadAhead readAhead(List<IndexedInstance> instances) {
        List<Map.Entry<IndexedInstance, IndexedInstance.Location>> slow = new java.util.ArrayList<>();
        for (IndexedInstance i : instances) {
            i.locations().stream().filter(IndexedInstance.Location::readable)
                    .min(java.util.Comparator.comparingInt(this::readOrder))
                    .filter(l -> readOrder(l) == 2)
                    .ifPresent(l -> slow.add(Map.entry(i, l)));
        }
        return new ReadAhead(slow, READ_AHEAD, FETCHERS, l -> {
            try (InputStream in = storages.get(l.storageId()).open(l.storageKey())) {
                return in.readAllBytes();
            }
        }, readingAhead);
    }

    /**
     * The last-resort storage (the grid) that alone holds a usable copy of {@code instance}, or null when a copy is
     * elsewhere too: when such an instance cannot be read, that storage is why.
     */
    public String onlyOnLastResort(IndexedInstance instance) {
        List<String> ids = instance.locations().stream().filter(IndexedInstance.Location::readable)
                .map(IndexedInstance.Location::storageId).distinct().toList();
        return ids.size() == 1 && lastResort.contains(ids.get(0)) ? ids.get(0) : null;
    }

    /** This node's storages first, then other nodes' copies, then the last-resort (shared) storages. */
    private int readOrder(IndexedInstance.Location l) {
        if (lastResort.contains(l.storageId())) {
            return 2;
        }
        return storages.containsKey(l.storageId()) ? 0 : 1;
    }

    private static String name(String uid) {
        String n = UIDs.nameOf(uid);
        return n != null ? n : uid;
    }

    /**
     * Opens the first usable copy of an instance, this node's own before other nodes', a shared storage's last;
     * {@link NoSuchFileException} when none can be read.
     */
    public StoredInstance open(IndexedInstance instance) throws IOException {
        ReadAhead ahead = readingAhead.get(instance.sopInstanceUID());
        InputStream early = ahead == null ? null : ahead.take(instance.sopInstanceUID());
        if (early != null) {
            DataSet meta = FileMetaInformation.read(early);
            String ts = meta.getString(Tag.TransferSyntaxUID);
            return new StoredInstance(instance, TransferSyntax.of(ts != null ? ts : instance.transferSyntaxUID()), early);
        }
        IOException last = null;
        List<IndexedInstance.Location> usable = instance.locations().stream().filter(IndexedInstance.Location::readable)
                .sorted(java.util.Comparator.comparingInt(this::readOrder)).toList();
        for (IndexedInstance.Location l : usable) {
            InputStream in = null;
            try {
                Storage storage = storages.get(l.storageId());
                InputStream raw = storage != null ? storage.open(l.storageKey()) : remote.open(l);
                if (raw == null) {
                    continue;
                }
                in = new BufferedInputStream(raw, 64 * 1024);
                DataSet meta = FileMetaInformation.read(in);
                String ts = meta.getString(Tag.TransferSyntaxUID);
                return new StoredInstance(instance, TransferSyntax.of(ts != null ? ts : instance.transferSyntaxUID()), in);
            } catch (IOException e) {
                if (in != null) {
                    in.close();
                }
                last = e;
            }
        }
        if (last != null) {
            throw last;
        }
        throw new NoSuchFileException("no readable copy of " + instance.sopInstanceUID());
    }
}
