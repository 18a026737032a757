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
 * adapters over it. Copies held only by other nodes come later, through the replication module.
 */
public final class RetrieveService {
    private final QueryService query;
    private final Map<String, Storage> storages;

    public RetrieveService(QueryService query, Map<String, Storage> storages) {
        this.query = query;
        this.storages = Map.copyOf(storages);
    }

    /** The instances the identifier's unique keys select at its Query/Retrieve Level, in study/series order. */
    public List<IndexedInstance> resolve(QueryModel model, DataSet identifier) throws QueryException {
        return query.resolve(model, identifier);
    }

    /** Opens the first usable copy of an instance; {@link NoSuchFileException} when no storage here has one. */
    public StoredInstance open(IndexedInstance instance) throws IOException {
        IOException last = null;
        for (IndexedInstance.Location l : instance.locations()) {
            Storage storage = storages.get(l.storageId());
            if (storage == null || !"OK".equals(l.status())) {
                continue;
            }
            InputStream in = null;
            try {
                in = new BufferedInputStream(storage.open(l.storageKey()), 64 * 1024);
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
        throw new NoSuchFileException("no copy of " + instance.sopInstanceUID() + " on this node");
    }
}
