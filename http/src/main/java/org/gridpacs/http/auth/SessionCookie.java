package org.gridpacs.http.auth;

import java.time.Duration;

import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;

/**
 * The session cookie of the login page: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
 * it: no cross-site request forgery), Secure whenever the browser reached us over HTTPS (directly, or through
 * HAProxy terminating TLS, which says so with X-Forwarded-Proto), path /, and no Max-Age: it ends with the browser,
 * or earlier on the server after the idle timeout ({@link Sessions}).
 */
public final class SessionCookie {
    public static final String NAME = "GRIDPACS_SESSION";

    private SessionCookie() {
    }

    /** The token a request carries, or null. */
    public static String token(Request request) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (NAME.equals(c.getName()) && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    public static HttpCookie of(Request request, String token) {
        return builder(request, token).build();
    }

    /** A cookie telling the browser to forget the session (logout). */
    public static HttpCookie cleared(Request request) {
        return builder(request, "").maxAge(0).build();
    }

    private static HttpCookie.Builder builder(Request request, String value) {
        return HttpCookie.build(NAME, value).path("/").httpOnly(true).sameSite(HttpCookie.SameSite.STRICT)
                .secure(secure(request));
    }

    /** Whether the browser's side of the connection is HTTPS. */
    static boolean secure(Request request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
    }

    /** For the log and the login page: "30 min". */
    static String describe(Duration d) {
        return d.toMinutes() >= 1 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
