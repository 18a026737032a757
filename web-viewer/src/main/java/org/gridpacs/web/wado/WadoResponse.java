package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.gridpacs.archive.retrieve.AcceptedTransferSyntaxes;
import org.gridpacs.archive.retrieve.DataSetTransform;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.web.DicomWebRequest;

/**
 * Starting and ending a WADO answer (WADO-RS, WADO-URI's Part 10 files): status and headers first (once the answer
 * is sure: every refusal comes before), then the body ({@link ResponseBody}: a small one sent in one write, a large
 * one streamed, never held whole).
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
        return start(request, status, contentType, warning, 0);
    }

    /** As {@link #start(DicomWebRequest, int, String, String)}, for a body likely to have {@code expected} bytes. */
    public static OutputStream start(DicomWebRequest request, int status, String contentType, String warning,
                                     long expected) {
        var response = request.response();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        if (warning != null) {
            String text = warning.replaceAll("[\\r\\n\"\\\\]", " ").replaceAll("[^\\x20-\\x7e]", "?");
            response.getHeaders().put(HttpHeader.WARNING, "299 GridPACS \"" + text + "\"");
        }
        return new ResponseBody(response, expected);
    }

    /** Ends the body (from {@link #start}) and completes the exchange. */
    public static void finish(DicomWebRequest request, OutputStream body) throws IOException {
        ((ResponseBody) body).complete(request.callback());
    }
}
