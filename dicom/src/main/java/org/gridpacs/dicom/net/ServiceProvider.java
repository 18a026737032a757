package org.gridpacs.dicom.net;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomStreamException;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCP side of one association: runs the {@link Services} handlers for the requests that arrive and
 * turns whatever a handler does (returns, throws {@link DimseException}, fails with an I/O error or a bug)
 * into the right response for that request only, so the association stays up.
 */
final class ServiceProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceProvider.class);

    private final Association association;
    private final Services services;

    ServiceProvider(Association association, Services services) {
        this.association = association;
        this.services = services;
    }

    void store(DimseRequest request, PDVInputStream data) throws IOException {
        Handlers.Store handler = services.store();
        if (handler == null) {
            association.respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not store instances", null);
            return;
        }
        int status;
        String comment = null;
        try {
            status = handler.store(request, data);
        } catch (DimseException e) {
            status = e.status();
            comment = e.getMessage();
            LOG.warn("C-STORE of {} from {} failed: {}", request.sopInstanceUID(), request.callingAETitle(), e.toString());
        } catch (DicomStreamException e) {
            status = Status.CANNOT_UNDERSTAND;
            comment = e.getMessage();
            LOG.warn("C-STORE of {} from {}: cannot understand the data set: {}", request.sopInstanceUID(),
                    request.callingAETitle(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (data.brokenConnection()) {
                throw data.failure(); // the network's exception, not the handler's wrapping of it
            }
            if (!association.isOpen()) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
            status = Status.OUT_OF_RESOURCES;
            comment = e.getMessage();
            LOG.error("C-STORE of {} from {} failed", request.sopInstanceUID(), request.callingAETitle(), e);
        }
        data.drain(); // also rethrows a network failure a handler caught and ignored
        association.respond(request, status, comment, null);
    }

    /** Runs a C-FIND, C-MOVE, C-GET, N-ACTION or N-EVENT-REPORT request (on a worker thread). */
    void perform(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) {
        int field = request.command().getInt(Tag.CommandField, -1);
        try {
            switch (field) {
                case CommandField.C_FIND_RQ -> runFind(request, identifier, cancelled);
                case CommandField.C_MOVE_RQ, CommandField.C_GET_RQ -> runRetrieve(request, identifier, cancelled);
                default -> runNormalized(request, identifier, field);
            }
        } catch (IOException e) {
            if (association.isOpen()) {
                LOG.warn("{} from {} could not be answered: {}", CommandField.name(field), request.callingAETitle(), e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("{} from {} failed", CommandField.name(field), request.callingAETitle(), e);
        }
    }

    private void runFind(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) throws IOException {
        Handlers.Find handler = services.find();
        if (handler == null) {
            association.respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not answer C-FIND", null);
            return;
        }
        Handlers.QueryResponder responder = new Handlers.QueryResponder() {
            @Override
            public boolean pending(DataSet match) throws IOException {
                if (cancelled.get()) {
                    return false;
                }
                association.respond(request, Status.PENDING, null, match);
                return true;
            }

            @Override
            public boolean pending(java.util.List<DataSet> matches) throws IOException {
                if (cancelled.get()) {
                    return false;
                }
                if (!matches.isEmpty()) {
                    association.respondPending(request, matches);
                }
                return true;
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        try {
            handler.find(request, identifier, responder);
            association.respond(request, cancelled.get() ? Status.CANCEL : Status.SUCCESS, null, null);
        } catch (DimseException e) {
            association.respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            failed(request, "C-FIND", e, Status.UNABLE_TO_PROCESS);
        } catch (RuntimeException e) {
            LOG.error("C-FIND from {} failed", request.callingAETitle(), e);
            association.respond(request, Status.UNABLE_TO_PROCESS, String.valueOf(e.getMessage()), null);
        }
    }

    private void runRetrieve(DimseRequest request, DataSet identifier, AtomicBoolean cancelled) throws IOException {
        boolean move = request.command().getInt(Tag.CommandField, 0) == CommandField.C_MOVE_RQ;
        Handlers.Retrieve handler = move ? services.move() : services.get();
        if (handler == null) {
            association.respond(request, Status.SOP_CLASS_NOT_SUPPORTED, "this AE does not answer " + (move ? "C-MOVE" : "C-GET"), null);
            return;
        }
        RetrieveProgress progress = new RetrieveProgress(association, request, cancelled);
        try {
            handler.retrieve(request, identifier, progress);
            progress.sendFinal();
        } catch (DimseException e) {
            association.respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            // e.g. the move destination cannot be reached: the requester still needs a final response
            failed(request, move ? "C-MOVE" : "C-GET", e, Status.OUT_OF_RESOURCES_SUB_OPERATIONS);
        } catch (RuntimeException e) {
            LOG.error("{} from {} failed", move ? "C-MOVE" : "C-GET", request.callingAETitle(), e);
            association.respond(request, Status.UNABLE_TO_PROCESS, String.valueOf(e.getMessage()), null);
        }
    }

    private void runNormalized(DimseRequest request, DataSet information, int field) throws IOException {
        Handlers.Normalized handler = field == CommandField.N_ACTION_RQ ? services.action() : services.eventReport();
        if (handler == null) {
            association.respond(request, Status.NO_SUCH_SOP_CLASS, "unsupported " + CommandField.name(field), null);
            return;
        }
        try {
            DataSet reply = handler.handle(request, information);
            association.respond(request, Status.SUCCESS, null, reply);
            if (handler instanceof Handlers.AfterResponse after) {
                after.responded(request, information);
            }
        } catch (DimseException e) {
            association.respond(request, e.status(), e.getMessage(), null);
        } catch (IOException e) {
            failed(request, CommandField.name(field), e, Status.PROCESSING_FAILURE);
        } catch (RuntimeException e) {
            LOG.error("{} from {} failed", CommandField.name(field), request.callingAETitle(), e);
            association.respond(request, Status.PROCESSING_FAILURE, String.valueOf(e.getMessage()), null);
        }
    }

    /**
     * A handler failed with an I/O error. If it was not this association that broke (a file, a database, the
     * C-MOVE destination), answer with a failure status instead of leaving the requester waiting forever.
     */
    private void failed(DimseRequest request, String what, IOException e, int status) throws IOException {
        if (!association.isOpen()) {
            throw e;
        }
        LOG.warn("{} from {} failed: {}", what, request.callingAETitle(), e.toString());
        association.respond(request, status, String.valueOf(e.getMessage()), null);
    }

}
