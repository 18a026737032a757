package org.gridpacs.http.auth;


import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login page of the browser (the viewer and our own pages) when the HTTP entry is open to the network:
 * <ul>
 * <li>{@code GET /login[?next=/path]}: a form asking for the name and password;</li>
 * <li>{@code POST /login} (a form: name, password, next): with the right password, a session ({@link Sessions})
 * in a cookie ({@link SessionCookie}) and 303 to {@code next} (a path of this server only, else /); with a wrong
 * one, 401 and the form again with the reason;</li>
 * <li>{@code POST /logout} (or GET): ends the session, 303 to the login page.</li>
 * </ul>
 * A public route: it is what a browser without a session is sent to.
 */
public final class LoginPage extends Handler.Abstract {
    public static final String PATH = "/login";
    public static final String LOGOUT_PATH = "/logout";
    private static final Logger LOG = LoggerFactory.getLogger(LoginPage.class);
    private final UserAccounts accounts;
    private final Sessions sessions;
    private final RefusalLog refusals = new RefusalLog();

    public LoginPage(UserAccounts accounts, Sessions sessions) {
        this.accounts = accounts;
        this.sessions = sessions;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        if (LOGOUT_PATH.equals(path)) {
            sessions.close(SessionCookie.token(request));
            Response.addCookie(response, SessionCookie.cleared(request));
            Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, PATH, true);
            return true;
        }
        if (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method)) {
            String next = safeNext(Request.extractQueryParameters(request).getValue("next"));
            page(response, callback, HttpStatus.OK_200, next, null);
            return true;
        }
        if (!HttpMethod.POST.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, POST");
            page(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "/", "the login page takes GET and POST only");
            return true;
        }
        String crossSite = CrossSite.refusal(request);
        if (crossSite != null) {
            page(response, callback, HttpStatus.FORBIDDEN_403, "/", crossSite);
            return true;
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            page(response, callback, HttpStatus.UNSUPPORTED_MEDIA_TYPE_415, "/",
                    "the login form is sent as application/x-www-form-urlencoded");
            return true;
        }
        Fields form;
        try {
            form = FormFields.getFields(request, 10, 8192);
        } catch (RuntimeException e) {
            page(response, callback, HttpStatus.BAD_REQUEST_400, "/", "the login form cannot be read (too long?)");
            return true;
        }
        String next = safeNext(form.getValue("next"));
        String name = form.getValue("name");
        String password = form.getValue("password");
        if (name == null || password == null || name.isEmpty()) {
            page(response, callback, HttpStatus.BAD_REQUEST_400, next, "give a user name and a password");
            return true;
        }
        Caller c = accounts.login(name, password.toCharArray());
        if (c == null) {
            logRefusal(Request.getRemoteAddr(request), name);
            page(response, callback, HttpStatus.UNAUTHORIZED_401, next, accounts.isEmpty()
                    ? BasicAuthentication.NO_ACCOUNTS
                    : "wrong user name or password");
            return true;
        }
        Response.addCookie(response, SessionCookie.of(request, sessions.open(c.name())));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Response.sendRedirect(request, response, callback, HttpStatus.SEE_OTHER_303, next, true);
        return true;
    }

    /** Where to go after the login: a path of this server only (never another site: no open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")
                || next.startsWith(PATH) || next.chars().anyMatch(ch -> ch < 0x20)) {
            return "/";
        }
        return next;
    }

    private static void page(Response response, Callback callback, int status, String next, String problem) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // the page may not be framed by another site (clickjacking)
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                + "form-action 'self'; frame-ancestors 'none'");
        String html = """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>GridPACS: log in</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <style>body{font-family:sans-serif;max-width:22em;margin:4em auto}label,input,button{display:block;\
                width:100%%;margin:.3em 0}p.problem{color:#a00}</style></head>
                <body><h1>GridPACS</h1>%s
                <form method="post" action="/login">
                <input type="hidden" name="next" value="%s">
                <label for="name">User name</label><input id="name" name="name" autocomplete="username" required autofocus>
                <label for="password">Password</label><input id="password" name="password" type="password" \
                autocomplete="current-password" required>
                <button type="submit">Log in</button>
                </form></body></html>
                """.formatted(problem == null ? "" : "<p class=\"problem\">" + escape(problem) + "</p>", escape(next));
        Content.Sink.write(response, true, html, callback);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private void logRefusal(String address, String name) {
        if (!refusals.shouldLog(address)) {
            return;
        }
        LOG.warn("Refused a login from {} as '{}': wrong user name or password (logged once a minute per address)",
                address, name);
    }
}
