package org.gridpacs.http.auth;

import java.net.URI;
import java.util.Locale;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;

/**
 * Refuses what another web site could make a user's browser send us. A browser attaches its cookies (a session on
 * network access) and cached Basic credentials to a form another site posts here, and on loopback access no login
 * is needed at all: any page open in a browser on this machine could store into the archive or cancel dose jobs
 * (cross-site request forgery). Browsers name the page's site in an {@code Origin} header on such requests; a
 * request that changes something (not GET, HEAD, OPTIONS) from another origin than the one it is sent to is refused.
 * Programs (DICOMweb clients, scripts) send no Origin and are not affected.
 */
final class CrossSite {
    private CrossSite() {
    }

    /** Why the request is refused, or null. */
    static String refusal(Request request) {
        String method = request.getMethod();
        if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method) || HttpMethod.OPTIONS.is(method)) {
            return null;
        }
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return null;
        }
        String host = request.getHeaders().get(HttpHeader.HOST);
        String authority;
        try {
            authority = "null".equals(origin) ? null : URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            authority = null;
        }
        if (authority != null && host != null && sameAuthority(authority, host, origin)) {
            return null;
        }
        return "a request from the web page of another site (Origin " + origin + ") may not change anything here";
    }

    /** Host headers omit the default port; origins may too. */
    private static boolean sameAuthority(String authority, String host, String origin) {
        String a = authority.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (a.equals(h)) {
            return true;
        }
        String port = origin.startsWith("https:") ? ":443" : ":80";
        return (a + port).equals(h) || a.equals(h + port);
    }

    /**
     * On loopback access, whether the Host header names this machine (localhost, 127.x, [::1]): a page of another
     * site whose name an attacker pointed at 127.0.0.1 (DNS rebinding) would be same-origin for the browser, but
     * says its own name here.
     */
    static boolean loopbackHost(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null) {
            return true; // HTTP/1.0 without Host: not a browser
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[")) {
            return name.startsWith("[::1]");
        }
        int colon = name.indexOf(':');
        name = colon >= 0 ? name.substring(0, colon) : name;
        return name.equals("localhost") || name.endsWith(".localhost") || name.matches("127(\\.\\d{1,3}){3}");
    }
}
