package org.gridpacs.http.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** What the access tests share: a client that follows no redirect and keeps no cookie, and a route that says who. */
final class AccessTestClient {
    final HttpClient client;
    final String base;

    AccessTestClient(HttpClient client, String base) {
        this.client = client;
        this.base = base;
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path));
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = request(path);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    HttpResponse<String> login(String name, String password, String next) throws Exception {
        String form = "name=" + enc(name) + "&password=" + enc(password) + "&next=" + enc(next);
        return send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    /** The session token of a Set-Cookie answer. */
    static String sessionToken(HttpResponse<?> rsp) {
        String set = rsp.headers().firstValue("Set-Cookie").orElseThrow();
        String pair = set.split(";", 2)[0];
        if (!pair.startsWith(SessionCookie.NAME + "=")) {
            throw new AssertionError("not the session cookie: " + set);
        }
        return pair.substring(SessionCookie.NAME.length() + 1);
    }

    static String basic(String name, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Answers "who rights" for GET; a POST needs {@link Caller.Role#UPLOAD} (403 with the reason otherwise), as
     * STOW-RS and the dose jobs do.
     */
    static final class WhoAmI extends Handler.Abstract.NonBlocking {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Caller c = Caller.of(request);
            if ("POST".equals(request.getMethod()) && (c == null || !c.may(Caller.Role.UPLOAD))) {
                response.setStatus(HttpStatus.FORBIDDEN_403);
                Content.Sink.write(response, true, "403 Forbidden: " + c.name() + " may not store (needs the upload "
                        + "role)\n", callback);
                return true;
            }
            Content.Sink.write(response, true, (c == null ? "nobody" : c.name() + " " + new java.util.TreeSet<>(c.roles()))
                    + "\n", callback);
            return true;
        }
    }
}
