package org.gridpacs.web.stow;

import java.io.IOException;

/**
 * The request body cannot be read on: its multipart framing is broken (no delimiter, garbage after one, the body
 * ends inside a part) or the connection failed (the client went away, an early end of a Content-Length or chunked
 * body). Not an {@link java.io.EOFException} on purpose: the store takes those for a data set it cannot
 * understand, while this one must reach it as the sender's failure, so that it stores nothing and rethrows.
 */
public final class RequestBodyException extends IOException {
    public RequestBodyException(String message) {
        super(message);
    }

    public RequestBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
