package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.io.InputStream;

import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.InstanceStore;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.Status;

/** C-STORE SCP: a thin adapter from the DIMSE request to the {@link InstanceStore} (this node's store service, or the cluster's). */
public final class StoreScp implements Handlers.Store {
    private final InstanceStore service;
    private final ApplicationEntities entities;

    public StoreScp(InstanceStore service, ApplicationEntities entities) {
        this.service = service;
        this.entities = entities;
    }

    @Override
    public int store(DimseRequest request, InputStream data) throws DimseException, IOException {
        if (!entities.mayStore(request.callingAETitle())) {
            throw new DimseException(Status.NOT_AUTHORIZED, request.callingAETitle() + " may not store here");
        }
        try {
            StoreResult result = service.store(new StoreRequest(request.sopClassUID(), request.sopInstanceUID(),
                    request.transferSyntaxUID(), request.callingAETitle()), data);
            return result.status();
        } catch (StoreException e) {
            throw new DimseException(e.status(), e.getMessage(), e);
        }
    }
}
