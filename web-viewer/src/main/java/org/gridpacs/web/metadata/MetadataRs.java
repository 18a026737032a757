package org.gridpacs.web.metadata;

import java.io.IOException;
import java.io.OutputStream;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.DicomWebResource;
import org.gridpacs.web.DicomWebServices;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.ResourcePath;
import org.gridpacs.web.json.DicomJsonWriter;
import org.gridpacs.web.media.MediaType;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * WADO-RS metadata (PS3.18 10.4.1.1.2, 10.4.3.3.2): {@code /studies/{s}/metadata}, {@code .../series/{se}/metadata},
 * {@code .../instances/{i}/metadata} answer a JSON array of one data set per instance, in the JSON model (PS3.18
 * F.2), in order of series number and instance number. Answered from the headers the index keeps, never from the
 * files, streamed instance by instance as they are read (bounded memory for a study of any size); see
 * {@link InstanceMetadata} for what each data set holds.
 */
public final class MetadataRs implements DicomWebResource {
    static final MediaType DICOM_JSON = MediaType.of("application", "dicom+json");
    static final MediaType JSON = MediaType.of("application", "json");

    private final DicomWebServices services;

    public MetadataRs(DicomWebServices services) {
        this.services = services;
    }

    @Override
    public void serve(DicomWebRequest request) throws Exception {
        MediaType type = negotiate(request);
        ResourcePath p = request.path();
        String root = request.serviceRoot();
        Answer answer = new Answer(request, type);
        long n = services.headers().forEach(p.study(), p.series(), p.instance(),
                row -> InstanceMetadata.write(answer.generator(), row, root));
        if (n == 0) {
            String missing = services.headers().whatIsMissing(p.study(), p.series(), p.instance());
            throw HttpProblem.notFound(missing != null ? missing : "no instance in study " + p.study());
        }
        answer.finish();
        request.callback().succeeded();
    }

    /** application/dicom+json, or application/json when only that is acceptable; 406 otherwise. */
    private static MediaType negotiate(DicomWebRequest request) throws HttpProblem {
        for (MediaType range : request.accept().ranges()) {
            if (range.essence().equals(JSON.essence())) {
                return JSON;
            }
            if (range.includes(DICOM_JSON)) {
                return DICOM_JSON;
            }
        }
        throw HttpProblem.notAcceptable("metadata is available as " + DICOM_JSON + " (or " + JSON + ") only, not "
                + request.accept());
    }

    /** The answer, started (status, headers, "[") when the first instance is written, so a 404 can still be sent. */
    private static final class Answer {
        private final DicomWebRequest request;
        private final MediaType type;
        private OutputStream out;
        private JsonGenerator g;

        Answer(DicomWebRequest request, MediaType type) {
            this.request = request;
            this.type = type;
        }

        JsonGenerator generator() throws IOException {
            if (g == null) {
                request.response().setStatus(200);
                request.response().getHeaders().put(HttpHeader.CONTENT_TYPE, type.essence());
                out = Content.Sink.asOutputStream(request.response());
                g = DicomJsonWriter.generator(out);
                g.writeStartArray();
            }
            return g;
        }

        void finish() throws IOException {
            g.writeEndArray();
            g.close();
            out.close();
        }
    }
}
