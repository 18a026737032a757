package org.gridpacs.web.qido;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.gridpacs.archive.query.QueryLevel;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.VR;
import org.gridpacs.web.json.DicomJsonWriter;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * The JSON array of a QIDO-RS answer, written match by match as the query service hands them over (memory stays
 * bounded whatever the number of matches). The answer starts with the first match, or at the end when there is
 * none ({@code []}), so that a query refused before its first row can still be answered with its status.
 * Each match loses the DIMSE-only Query/Retrieve Level and Retrieve AE Title, and conditional attributes that are
 * empty; it gains Retrieve URL (0008,1190) under the service root the client used.
 */
final class QidoResponse {
    private final Response response;
    private final String contentType;
    private final List<String> warnings;
    private final String serviceRoot;
    private final QueryLevel level;
    private OutputStream out;
    private JsonGenerator g;
    private DicomJsonWriter writer;

    QidoResponse(Response response, String contentType, List<String> warnings, String serviceRoot, QueryLevel level) {
        this.response = response;
        this.contentType = contentType;
        this.warnings = warnings;
        this.serviceRoot = serviceRoot;
        this.level = level;
    }

    boolean started() {
        return g != null;
    }

    void write(DataSet match) throws IOException {
        begin();
        writer.write(adapt(match));
    }

    /** Ends the array (writing {@code []} when nothing matched) and the answer. */
    void finish() throws IOException {
        begin();
        g.writeEndArray();
        g.close();
        out.close();
    }

    private void begin() throws IOException {
        if (g != null) {
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        for (String w : warnings) {
            // a header value is printable ASCII: the key names come from the client
            String text = w.replaceAll("[\"\\\\]", " ").replaceAll("[^\\x20-\\x7e]", "?");
            response.getHeaders().add(HttpHeader.WARNING, "299 GridPACS \"" + text + "\"");
        }
        out = Content.Sink.asOutputStream(response);
        g = DicomJsonWriter.generator(out);
        writer = new DicomJsonWriter(g, DicomJsonWriter.BulkDataUris.NONE);
        g.writeStartArray();
    }

    private DataSet adapt(DataSet m) {
        m.remove(Tag.QueryRetrieveLevel);
        m.remove(Tag.RetrieveAETitle);
        for (int tag : DefaultAttributes.LEFT_OUT_WHEN_EMPTY) {
            if (m.contains(tag) && !m.containsValue(tag)) {
                m.remove(tag);
            }
        }
        m.setString(Tag.RetrieveURL, VR.UR, retrieveURL(m));
        return m;
    }

    private String retrieveURL(DataSet m) {
        StringBuilder url = new StringBuilder(serviceRoot).append("/studies/").append(m.getString(Tag.StudyInstanceUID));
        if (level != QueryLevel.STUDY) {
            url.append("/series/").append(m.getString(Tag.SeriesInstanceUID));
        }
        if (level == QueryLevel.IMAGE) {
            url.append("/instances/").append(m.getString(Tag.SOPInstanceUID));
        }
        return url.toString();
    }
}
