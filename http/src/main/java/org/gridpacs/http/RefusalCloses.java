package org.gridpacs.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/**
 * An error answered to a request with a body says {@code Connection: close}. A refusal (401, 403, 413, ...) is
 * written before the body is read; Jetty then closes the connection, and a client that was not told so sends its
 * next request into the closing socket ("no bytes" instead of an answer).
 */
final class RefusalCloses extends Handler.Wrapper {

    RefusalCloses(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getLength() == 0) {
            return super.handle(request, response, callback);
        }
        return super.handle(request, new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback writeCallback) {
                if (!isCommitted() && getStatus() >= 400) {
                    getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
                super.write(last, content, writeCallback);
            }
        }, callback);
    }
}
