package org.gridpacs.http.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through to its route only with the name and password of an account ({@link UserAccounts}) in an
 * HTTP Basic {@code Authorization} header (RFC 7617); otherwise 401 with a {@code WWW-Authenticate} challenge and
 * the reason. The account name is put on the request ({@link #USER}) for the handlers' logs. Refusals are logged
 * once a minute per client address, with the name tried but never the password.
 */
public final class BasicAuthentication extends Handler.Wrapper {
    /** Request attribute holding the authenticated account name. */
    public static final String USER = "org.gridpacs.http.user";
    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthentication.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;
    private final UserAccounts accounts;
    private final String realm;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    public BasicAuthentication(UserAccounts accounts, String realm, Handler next) {
        super(next);
        this.accounts = accounts;
        this.realm = realm;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        String refusal;
        String name = null;
        if (accounts.isEmpty()) {
            refusal = "no HTTP accounts are configured on this node (create one with: pacs http-user add NAME)";
        } else if (header == null) {
            refusal = "this endpoint needs a user name and password (HTTP Basic authentication)";
        } else if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            refusal = "only HTTP Basic authentication is accepted";
        } else {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = null;
            }
            int colon = decoded == null ? -1 : decoded.indexOf(':');
            if (colon < 0) {
                refusal = "the Authorization header is not name:password in Base64";
            } else {
                name = decoded.substring(0, colon);
                char[] password = decoded.substring(colon + 1).toCharArray();
                if (accounts.authenticate(name, password)) {
                    request.setAttribute(USER, name);
                    request.setAttribute(Caller.ATTRIBUTE,
                            new Caller(name, java.util.EnumSet.allOf(Caller.Role.class)));
                    return super.handle(request, response, callback);
                }
                refusal = "wrong user name or password";
            }
        }
        logRefusal(Request.getRemoteAddr(request), name, request.getHttpURI().getPath(), refusal);
        response.setStatus(HttpStatus.UNAUTHORIZED_401);
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (request.getLength() != 0) {
            // the body is not read: the connection cannot carry another request, and the client must know it
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        Content.Sink.write(response, true, "401 Unauthorized: " + refusal + "\n", callback);
        return true;
    }

    private void logRefusal(String address, String name, String path, String why) {
        long now = System.nanoTime();
        Long last = lastLogged.get(address);
        if (last != null && now - last < LOG_EVERY_NANOS) {
            return;
        }
        if (lastLogged.size() > 10_000) {
            lastLogged.clear();
        }
        lastLogged.put(address, now);
        LOG.warn("Refused an HTTP request from {} for {}{}: {} (logged once a minute per address)", address, path,
                name != null ? " as '" + name + "'" : "", why);
    }
}
