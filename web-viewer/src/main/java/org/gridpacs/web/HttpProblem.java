package org.gridpacs.web;

/**
 * A request refused with an HTTP status and a reason in words (400 bad syntax, 404 unknown UID, 406 an Accept that
 * cannot be met, 415 a Content-Type that cannot be read, ...). Thrown by a resource before it starts its answer;
 * {@link DicomWebHandler} sends it.
 */
public class HttpProblem extends Exception {
    private final int status;

    public HttpProblem(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public HttpProblem(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpProblem badRequest(String reason) {
        return new HttpProblem(400, reason);
    }

    public static HttpProblem notFound(String reason) {
        return new HttpProblem(404, reason);
    }

    public static HttpProblem notAcceptable(String reason) {
        return new HttpProblem(406, reason);
    }

    public static HttpProblem unsupportedMediaType(String reason) {
        return new HttpProblem(415, reason);
    }
}
