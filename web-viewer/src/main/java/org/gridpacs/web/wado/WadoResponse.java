package org.gridpacs.web.wado;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.pixels.Streams;

/**
 * Starting and ending a streamed WADO-RS answer: status and headers first (once the answer is sure: every refusal
 * comes before), then the body through a blocking stream onto the response (Jetty's
 * {@link Content.Sink#asOutputStream}), buffered in chunks, never the whole body.
 */
public final class WadoResponse {
    private WadoResponse() {
    }

    /** The retrieve context of an HTTP client: who asks (the caller, its address) and where the data go. */
    public static RetrieveContext context(DicomWebRequest request) {
        String address = Request.getRemoteAddr(request.request()) + ":" + Request.getRemotePort(request.request());
        return new RetrieveContext(new Requester(null, request.caller().name(), address),
                Destination.httpClient(address), AcceptedTransferSyntaxes.always(java.util.List.of()),
                DataSetTransform.IDENTITY);
    }

    /**
     * Sets the status and headers and returns the body stream.
     *
     * @param warning a Warning header's text (PS3.18 8.6.3), or null
     */
    public static OutputStream start(DicomWebRequest request, int status, String contentType, String warning) {
        var response = request.response();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        if (warning != null) {
            String text = warning.replaceAll("[\\r\\n\"\\\\]", " ").replaceAll("[^\\x20-\\x7e]", "?");
            response.getHeaders().put(HttpHeader.WARNING, "299 GridPACS \"" + text + "\"");
        }
        return new BufferedOutputStream(Content.Sink.asOutputStream(response), Streams.CHUNK);
    }

    /** Ends the body and completes the exchange. */
    public static void finish(DicomWebRequest request, OutputStream body) throws IOException {
        body.close();
        request.callback().succeeded();
    }
}
