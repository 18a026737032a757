package org.gridpacs.web.qido;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.media.AcceptHeader;
import org.gridpacs.web.media.MediaType;

/**
 * QIDO-RS (PS3.18 10.6): {@code /studies}, {@code /studies/{s}/series}, {@code /studies/{s}/series/{se}/instances},
 * {@code /studies/{s}/instances}, {@code /series} and {@code /instances}, answered by the archive's query service
 * (the one C-FIND uses; Study Root model) as a JSON array in the DICOM JSON model: {@code 200 []} when nothing
 * matches, 400 with the reason for an invalid parameter value, 406 for an Accept that JSON does not meet (XML is
 * not served).
 */
public final class QidoRs implements DicomWebResource {
    private static final MediaType DICOM_JSON = MediaType.of("application", "dicom+json");
    private static final MediaType JSON = MediaType.of("application", "json");

    private final DicomWebServices services;

    public QidoRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        String contentType = negotiate(request.accept());
        QidoQuery query = QidoQuery.parse(request.path(), request.parameters());
        QidoResponse answer = new QidoResponse(request.response(), contentType, query.warnings(),
                request.serviceRoot(), query.level());
        if (!query.matchesNothing()) {
            try {
                services.query().find(QueryModel.STUDY_ROOT, query.identifier(), query.options(), match -> {
                    try {
                        answer.write(match);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return true;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause(); // the client went away: nothing more can be said
            } catch (QueryException e) {
                if (answer.started()) {
                    throw new IOException("QIDO-RS query failed after its answer started: " + e.getMessage(), e);
                }
                throw e.status() == QueryException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS
                        ? HttpProblem.badRequest(e.getMessage())
                        : new HttpProblem(503, "the index cannot be queried now: " + e.getMessage(), e);
            }
        }
        answer.finish();
        request.callback().succeeded();
    }

    /** The JSON media type to answer with: DICOM JSON unless the client only takes plain JSON. */
    private static String negotiate(AcceptHeader accept) throws HttpProblem {
        for (MediaType range : accept.ranges()) {
            if (range.includes(DICOM_JSON)) {
                return DICOM_JSON.essence();
            }
            if (range.includes(JSON)) {
                return JSON.essence();
            }
        }
        throw HttpProblem.notAcceptable("QIDO-RS answers application/dicom+json (or application/json), which the"
                + " Accept " + accept + " does not take (XML answers are not served)");
    }
}
