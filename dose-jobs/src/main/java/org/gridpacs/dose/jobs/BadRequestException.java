package org.gridpacs.dose.jobs;

/** A request the service refuses; the message says why, and {@link #status} is the HTTP status to answer. */
public final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public BadRequestException(String message) {
        this(400, message);
    }

    public int status() {
        return status;
    }
}
