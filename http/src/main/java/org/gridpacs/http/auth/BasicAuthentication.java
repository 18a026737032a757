package org.gridpacs.http.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a request through to its route only for an account ({@link UserAccounts}): by a session of the login page
 * (its cookie, when {@link Sessions} are given), or by the name and password in an HTTP Basic {@code Authorization}
 * header (RFC 7617), what DICOMweb clients and scripts send. The {@link Caller} (name and the rights of the
 * account's role) is put on the request for the routes, the name also as {@link #USER} for their logs.
 *
 * <p>Otherwise: a browser navigating to a page (GET with Accept text/html) is sent to the login page, which brings
 * it back after the login; anything else gets 401 with the reason (and a {@code WWW-Authenticate} challenge, unless
 * it came with an expired session: a browser would pop up its password dialog over the viewer). Refusals are
 * logged once a minute per client address, with the name tried but never the password.
 */
public final class BasicAuthentication extends Handler.Wrapper {
    /** The refusal when no account exists to check a login against (a client may then try without one). */
    public static final String NO_ACCOUNTS =
            "no HTTP accounts are configured on this node (create one with: pacs http-user add NAME)";
    /** Request attribute holding the authenticated account name. */
    public static final String USER = "org.gridpacs.http.user";
    private static final Logger LOG = LoggerFactory.getLogger(BasicAuthentication.class);
    private final UserAccounts accounts;
    private final Sessions sessions;
    private final String realm;
    private final RefusalLog refusals = new RefusalLog();

    /** HTTP Basic only. */
    public BasicAuthentication(UserAccounts accounts, String realm, Handler next) {
        this(accounts, null, realm, next);
    }

    /** HTTP Basic, and the sessions of the login page ({@link LoginPage#PATH}) when {@code sessions} is not null. */
    public BasicAuthentication(UserAccounts accounts, Sessions sessions, String realm, Handler next) {
        super(next);
        this.accounts = accounts;
        this.sessions = sessions;
        this.realm = realm;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null && Caller.of(request) != null) {
            return super.handle(request, response, callback); // already known: the local caller of LocalAccess
        }
        String token = sessions != null ? SessionCookie.token(request) : null;
        if (header == null && token != null) {
            Caller c = sessions.find(token);
            if (c != null) {
                return pass(c, request, response, callback);
            }
        }
        String refusal;
        String name = null;
        if (accounts.isEmpty()) {
            refusal = NO_ACCOUNTS;
        } else if (header == null) {
            if (sessions != null && isPageNavigation(request)) {
                Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, loginUri(request), true);
                return true;
            }
            refusal = token != null
                    ? "the session has ended (idle for " + SessionCookie.describe(sessions.idleTimeout())
                            + ", or logged out): log in again at " + LoginPage.PATH
                    : "this endpoint needs a user name and password (HTTP Basic authentication)"
                            + (sessions != null ? ", or a login at " + LoginPage.PATH : "");
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
                Caller c = accounts.login(name, decoded.substring(colon + 1).toCharArray());
                if (c != null) {
                    return pass(c, request, response, callback);
                }
                refusal = "wrong user name or password";
            }
        }
        logRefusal(Request.getRemoteAddr(request), name, request.getHttpURI().getPath(), refusal);
        response.setStatus(HttpStatus.UNAUTHORIZED_401);
        if (token == null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, "401 Unauthorized: " + refusal + "\n", callback);
        return true;
    }

    private boolean pass(Caller c, Request request, Response response, Callback callback) throws Exception {
        String crossSite = CrossSite.refusal(request);
        if (crossSite != null) {
            logRefusal(Request.getRemoteAddr(request), c.name(), request.getHttpURI().getPath(), crossSite);
            response.setStatus(HttpStatus.FORBIDDEN_403);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            Content.Sink.write(response, true, "403 Forbidden: " + crossSite + "\n", callback);
            return true;
        }
        request.setAttribute(USER, c.name());
        request.setAttribute(Caller.ATTRIBUTE, c);
        return super.handle(request, response, callback);
    }

    /** A browser asking for a page (not a script or a viewer's XHR, which want JSON or DICOM). */
    static boolean isPageNavigation(Request request) {
        String method = request.getMethod();
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) && accept != null
                && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
    }

    private static String loginUri(Request request) {
        String path = request.getHttpURI().getPathQuery();
        return LoginPage.PATH + "?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
    }

    private void logRefusal(String address, String name, String path, String why) {
        if (!refusals.shouldLog(address)) {
            return;
        }
        LOG.warn("Refused an HTTP request from {} for {}{}: {} (logged once a minute per address)", address, path,
                name != null ? " as '" + name + "'" : "", why);
    }
}
