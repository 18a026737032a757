package org.gridpacs.web.viewer;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A GET as OHIF's XMLHttpRequests go out of Chromium: with the Accept OHIF sets and the Accept-Encoding the browser
 * adds on its own (the recording has only the former); the answer as the page sees it, its content encoding undone.
 */
final class BrowserGet {
    /** What Chromium 12x sends on every request. */
    static final String ACCEPT_ENCODING = "gzip, deflate, br, zstd";

    record Answer(int status, String contentType, String contentEncoding, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private BrowserGet() {
    }

    static Answer get(HttpClient client, String url, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", ACCEPT_ENCODING);
        if (accept != null) {
            b.header("Accept", accept);
        }
        HttpResponse<byte[]> r = client.send(b.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        String encoding = r.headers().firstValue("Content-Encoding").orElse("identity");
        byte[] body = switch (encoding) {
            case "identity" -> r.body();
            case "gzip" -> undo(new GZIPInputStream(new ByteArrayInputStream(r.body())));
            case "deflate" -> undo(new InflaterInputStream(new ByteArrayInputStream(r.body())));
            default -> throw new AssertionError(url + ": Content-Encoding " + encoding + " (the test decodes gzip and"
                    + " deflate only)");
        };
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), encoding, body);
    }

    private static byte[] undo(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }
}
