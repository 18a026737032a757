package org.gridpacs.archive.retrieve;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.storage.Storage;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.io.TransferSyntax;

/**
 * Finds the instances a retrieve asks for and opens their stored copies; C-MOVE, C-GET and WADO are thin
 * adapters over it. Copies held only by other nodes are read through {@link RemoteCopies} (the replication
 * module), after this node's own.
 */
public final class RetrieveService {
    private final QueryService query;
    private final Map<String, Storage> storages;
    private final RemoteCopies remote;

    public RetrieveService(QueryService query, Map<String, Storage> storages) {
        this(query, storages, RemoteCopies.NONE);
    }

    public RetrieveService(QueryService query, Map<String, Storage> storages, RemoteCopies remote) {
        this.query = query;
        this.storages = Map.copyOf(storages);
        this.remote = remote;
    }

    /** The instances the identifier's unique keys select at its Query/Retrieve Level, in study/series order. */
    public List<IndexedInstance> resolve(QueryModel model, DataSet identifier) throws QueryException {
        return query.resolve(model, identifier);
    }

    /**
     * Opens the first usable copy of an instance, this node's own before other nodes';
     * {@link NoSuchFileException} when none can be read.
     */
    public StoredInstance open(IndexedInstance instance) throws IOException {
        IOException last = null;
        List<IndexedInstance.Location> usable = instance.locations().stream().filter(l -> "OK".equals(l.status()))
                .sorted(java.util.Comparator.comparing(l -> storages.containsKey(l.storageId()) ? 0 : 1)).toList();
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
