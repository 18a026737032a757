package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.PendingMatches;
import org.gridpacs.dicom.net.dimse.Status;

/** C-FIND SCP: a thin adapter from the DIMSE request to the {@link QueryService}. */
public final class FindScp implements Handlers.Find {
    private final QueryService service;
    private final ApplicationEntities entities;

    public FindScp(QueryService service, ApplicationEntities entities) {
        this.service = service;
        this.entities = entities;
    }

    /** The information model of a C-FIND SOP class, or null when we do not offer it. */
    static QueryModel model(String findSopClassUID) {
        if (UID.PatientRootQueryRetrieveInformationModelFind.equals(findSopClassUID)) {
            return QueryModel.PATIENT_ROOT;
        }
        if (UID.StudyRootQueryRetrieveInformationModelFind.equals(findSopClassUID)) {
            return QueryModel.STUDY_ROOT;
        }
        return null;
    }

    @Override
    public void find(DimseRequest request, DataSet identifier, Handlers.QueryResponder responder)
            throws DimseException, IOException {
        if (!entities.mayQuery(request.callingAETitle())) {
            throw new DimseException(Status.NOT_AUTHORIZED, request.callingAETitle() + " may not query here");
        }
        QueryModel model = model(request.sopClassUID());
        if (model == null) {
            throw new DimseException(Status.SOP_CLASS_NOT_SUPPORTED, "C-FIND is offered in Patient Root and Study Root only");
        }
        PendingMatches matches = new PendingMatches(responder);
        try {
            service.find(model, identifier, match -> {
                try {
                    return matches.add(match);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            matches.flush();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (QueryException e) {
            throw new DimseException(e.status(), e.getMessage(), e);
        }
    }
}
