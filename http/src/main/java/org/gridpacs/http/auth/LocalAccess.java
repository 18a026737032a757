package org.gridpacs.http.auth;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The user routes of a loopback-only connector ({@link org.gridpacs.http.HttpAccess#LOOPBACK}): every request is
 * served as {@link Caller#LOCAL}, without login. The server only mounts this on a connector bound to a loopback
 * address; each request's local address is checked again all the same (403 otherwise), so that no mistake in the
 * wiring can serve the network without a login. Requests another web site could make a local browser send are
 * refused ({@link CrossSite}): a foreign Origin on a change, a Host that is not this machine (DNS rebinding).
 * A request that brings HTTP Basic credentials all the same is left to the {@link BasicAuthentication} this wraps:
 * served as that account, or refused when they are wrong (a script with a wrong password hears so, and an
 * account's role can be tried on one machine).
 */
public final class LocalAccess extends Handler.Wrapper {
    public LocalAccess(Handler next) {
        super(next);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String refusal = !loopback(request.getConnectionMetaData().getLocalSocketAddress())
                ? "this HTTP entry serves without login on a loopback address only (http.access = loopback)"
                : !CrossSite.loopbackHost(request)
                ? "without login (http.access = loopback) this entry answers only requests for localhost or 127.0.0.1, "
                        + "not for " + request.getHeaders().get(HttpHeader.HOST)
                : CrossSite.refusal(request);
        if (refusal != null) {
            response.setStatus(HttpStatus.FORBIDDEN_403);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, "403 Forbidden: " + refusal + "\n", callback);
            return true;
        }
        if (request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
            request.setAttribute(BasicAuthentication.USER, Caller.LOCAL.name());
            request.setAttribute(Caller.ATTRIBUTE, Caller.LOCAL);
        }
        return super.handle(request, response, callback);
    }

    private static boolean loopback(SocketAddress local) {
        return local instanceof InetSocketAddress a && a.getAddress() != null && a.getAddress().isLoopbackAddress();
    }
}
