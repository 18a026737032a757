package org.gridpacs.web;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.gridpacs.http.auth.Caller;
import org.gridpacs.web.media.AcceptHeader;

/**
 * One DICOMweb request as the resources see it: the Jetty exchange, the parsed resource path, the query
 * parameters (percent-decoded: {@code includefield=00081030%2C00080060} reads as "00081030,00080060"), the
 * Accept ranges, and the URI prefix under which this service was reached (for RetrieveURL and BulkDataURI).
 */
public final class DicomWebRequest {
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final ResourcePath path;
    private final Fields query;
    private final String serviceRoot;

    public DicomWebRequest(Request request, Response response, Callback callback, ResourcePath path,
                           String serviceRoot) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.path = path;
        this.query = Request.extractQueryParameters(request);
        this.serviceRoot = serviceRoot;
    }

    public Request request() {
        return request;
    }

    public Response response() {
        return response;
    }

    public Callback callback() {
        return callback;
    }

    /** The resource path; null for WADO-URI, which has none. */
    public ResourcePath path() {
        return path;
    }

    /** Every value of a query parameter (repeated parameters in order), percent-decoded; empty when absent. */
    public List<String> parameters(String name) {
        Fields.Field f = query.get(name);
        return f == null ? List.of() : f.getValues();
    }

    /** The first value of a query parameter, or null. */
    public String parameter(String name) {
        List<String> v = parameters(name);
        return v.isEmpty() ? null : v.get(0);
    }

    /** All query parameters. */
    public Fields parameters() {
        return query;
    }

    /**
     * The Accept ranges: the {@code accept} query parameter when given (PS3.18 8.3.3.1), else the Accept headers.
     *
     * @throws HttpProblem 400 for a range that is not a media type
     */
    public AcceptHeader accept() throws HttpProblem {
        try {
            List<String> fromQuery = parameters("accept");
            if (!fromQuery.isEmpty()) {
                return AcceptHeader.parse(fromQuery);
            }
            List<String> values = new ArrayList<>(request.getHeaders().getValuesList(HttpHeader.ACCEPT));
            return AcceptHeader.parse(values);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("Accept: " + e.getMessage());
        }
    }

    /**
     * The absolute URI of the service root as the client reached it ("http://host:8080/dicom-web"): built from the
     * request's own Host (and X-Forwarded-Proto behind a TLS-terminating proxy), so that URIs in answers lead back
     * through the same entry (the load balancer, not the node behind it).
     */
    public String serviceRoot() {
        return serviceRoot;
    }

    /**
     * The caller (see {@link Caller}) the access layer in front of the routes established; one without roles when
     * none did, so that a route mounted without it refuses rather than serves.
     */
    public Caller caller() {
        Caller c = Caller.of(request);
        return c != null ? c : new Caller("anonymous", java.util.Set.of());
    }

    /**
     * @throws HttpProblem 403 when the caller lacks {@code role}
     */
    public void require(Caller.Role role) throws HttpProblem {
        Caller c = caller();
        if (!c.may(role)) {
            throw new HttpProblem(403, "user '" + c.name() + "' may not " + switch (role) {
                case READ -> "read studies";
                case UPLOAD -> "store instances";
                case ADMIN -> "administer the archive";
            });
        }
    }
}
