package org.gridpacs.web;

import java.util.Objects;

import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.store.InstanceStore;

/**
 * The archive's services DICOMweb is an adapter over: the same query, retrieve and store services the DIMSE
 * handlers use (in a cluster the store is the replicating one, and retrieve reads other nodes' copies).
 *
 * @param headers the instances' headers as the index keeps them: WADO-RS metadata is answered from them
 * @param aeTitle the archive's AE title: Retrieve AE Title in QIDO-RS answers, the origin of STOW-RS stores
 */
public record DicomWebServices(QueryService query, RetrieveService retrieve, InstanceStore store,
                               StoredHeaders headers, String aeTitle) {
    public DicomWebServices {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(retrieve, "retrieve");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(aeTitle, "aeTitle");
    }
}
