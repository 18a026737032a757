package org.gridpacs.replication.transfer;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;

import org.gridpacs.archive.index.CopyCatalog;
import org.gridpacs.archive.index.CopyCatalog.StudyDigest;
import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.replication.config.ClusterNode;

/**
 * The calling side of the peer transport: HTTP(S) requests to another node's {@link PeerHandler}. Every failure
 * is an IOException whose message says which node and what went wrong, for the log and the sender's status.
 */
public final class PeerClient {
    static final String ORIGIN = "X-GridPACS-Origin";
    static final String ORIGIN_KEY = "X-GridPACS-Origin-Key";
    static final String CHECKSUM = "X-GridPACS-Checksum";
    static final String SOURCE_AET = "X-GridPACS-Source-AET";
    static final String KEY = "X-GridPACS-Key";
    static final String SIZE = "X-GridPACS-Size";
    static final String REASON = "X-GridPACS-Reason";
    /** When the cluster first received the pushed object (ISO-8601 instant): conflicts are ordered by it. */
    static final String RECEIVED = "X-GridPACS-Received";

    private final HttpClient http;
    private final boolean tls;

    /** {@code sslContext} null: plain HTTP. */
    public PeerClient(SSLContext sslContext) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (sslContext != null) {
            // the one TLS policy; the peer's certificate must name the host in the URL
            b.sslContext(sslContext).sslParameters(TlsContexts.clientParameters(sslContext, true));
        }
        this.http = b.build();
        this.tls = sslContext != null;
    }

    /** What the peer answered for a copy it now holds. */
    public record PeerCopy(String storageKey, long size, String checksum) {
    }

    /**
     * Sends a stored object (File Meta Information and data set, as stored) to {@code peer}, which stores and
     * indexes it and records the origin's copy too. Returns once the peer's copy is durable.
     */
    public PeerCopy pushCopy(ClusterNode peer, String origin, IndexedInstance.Location object, String sourceAET,
                             Supplier<InputStream> content) throws IOException {
        return pushCopy(peer, origin, object, sourceAET, null, content);
    }

    /** As above, saying when the cluster first received the object ({@code received}, null: not known). */
    public PeerCopy pushCopy(ClusterNode peer, String origin, IndexedInstance.Location object, String sourceAET,
                             java.time.Instant received, Supplier<InputStream> content) throws IOException {
        HttpRequest.Builder req = request(peer, "/peer/instances", Duration.ofSeconds(120))
                .header(ORIGIN, origin).header(ORIGIN_KEY, object.storageKey())
                .header(CHECKSUM, object.checksum() == null ? "" : object.checksum())
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(content),
                        object.size()));
        if (sourceAET != null) {
            req.header(SOURCE_AET, sourceAET);
        }
        if (received != null) {
            req.header(RECEIVED, received.toString());
        }
        HttpResponse<String> rsp = send(peer, req.build(), HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 201 && rsp.statusCode() != 200) {
            throw failure(peer, "refused the copy", rsp.statusCode(), rsp.body());
        }
        String key = rsp.headers().firstValue(KEY).orElseThrow(() -> new IOException(peer.name() + " sent no copy key"));
        long size = rsp.headers().firstValueAsLong(SIZE).orElse(-1);
        String checksum = rsp.headers().firstValue(CHECKSUM).orElse(null);
        if (size != object.size() || (object.checksum() != null && !object.checksum().equals(checksum))) {
            throw new IOException(peer.name() + " stored a copy of " + size + " bytes with checksum " + checksum
                    + ", not " + object.size() + " bytes with " + object.checksum());
        }
        return new PeerCopy(key, size, checksum);
    }

    /** Opens a copy {@code peer} holds; the stream fails at its end unless size and checksum are the indexed ones. */
    public InputStream open(ClusterNode peer, IndexedInstance.Location location) throws IOException {
        HttpRequest req = request(peer, "/peer/objects?key=" + URLEncoder.encode(location.storageKey(), StandardCharsets.UTF_8),
                Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> rsp = send(peer, req, HttpResponse.BodyHandlers.ofInputStream());
        if (rsp.statusCode() == 404) {
            rsp.body().close();
            throw new NoSuchFileException("node " + peer.name() + " no longer holds " + location.storageKey());
        }
        if (rsp.statusCode() != 200) {
            String body = new String(rsp.body().readAllBytes(), StandardCharsets.UTF_8);
            throw failure(peer, "could not send " + location.storageKey(), rsp.statusCode(), body);
        }
        return new VerifyingInputStream(rsp.body(), location.checksum(), location.size(),
                "the copy of " + location.storageKey() + " from " + peer.name());
    }

    /** Tells {@code peer} about copies (in order). */
    public void announce(ClusterNode peer, List<Announcement> batch) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        AnnouncementCodec.write(batch, body);
        HttpRequest req = request(peer, "/peer/announcements", Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        HttpResponse<String> rsp = send(peer, req, HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200) {
            throw failure(peer, "refused " + batch.size() + " announcements", rsp.statusCode(), rsp.body());
        }
    }

    /** The digest of the copies {@code peer} holds in each bucket of studies where it holds any, by bucket. */
    public Map<Integer, CopyCatalog.BucketDigest> buckets(ClusterNode peer) throws IOException {
        HttpRequest req = request(peer, "/peer/buckets", Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> rsp = send(peer, req, HttpResponse.BodyHandlers.ofInputStream());
        Map<Integer, CopyCatalog.BucketDigest> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.US_ASCII))) {
            if (rsp.statusCode() != 200) {
                throw failure(peer, "sent no bucket digests", rsp.statusCode(), r.readLine());
            }
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] w = line.split(" ");
                try {
                    int bucket = Integer.parseInt(w[0]);
                    out.put(bucket, new CopyCatalog.BucketDigest(bucket, Long.parseLong(w[1]), w[2]));
                } catch (RuntimeException e) {
                    throw new IOException(peer.name() + " sent a malformed bucket digest line: " + line);
                }
            }
        }
        return out;
    }

    /** The digests of the copies {@code peer} holds in the studies of one bucket, by study. */
    public Map<String, StudyDigest> digests(ClusterNode peer, int bucket) throws IOException {
        return digests(peer, "/peer/digests?bucket=" + bucket);
    }

    /** The digests of the copies {@code peer} holds, by study. */
    public Map<String, StudyDigest> digests(ClusterNode peer) throws IOException {
        return digests(peer, "/peer/digests");
    }

    private Map<String, StudyDigest> digests(ClusterNode peer, String path) throws IOException {
        HttpRequest req = request(peer, path, Duration.ofSeconds(120)).GET().build();
        HttpResponse<InputStream> rsp = send(peer, req, HttpResponse.BodyHandlers.ofInputStream());
        Map<String, StudyDigest> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(rsp.body(), StandardCharsets.US_ASCII))) {
            if (rsp.statusCode() != 200) {
                throw failure(peer, "sent no digests", rsp.statusCode(), r.readLine());
            }
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] w = line.split(" ");
                if (w.length != 3) {
                    throw new IOException(peer.name() + " sent a malformed digest line: " + line);
                }
                out.put(w[0], new StudyDigest(w[0], Integer.parseInt(w[1]), w[2]));
            }
        }
        return out;
    }

    /** The copies {@code peer} holds in a study, as announcements (with the headers to index them). */
    public List<Announcement> studyCopies(ClusterNode peer, String studyInstanceUID) throws IOException {
        HttpRequest req = request(peer, "/peer/copies?study=" + URLEncoder.encode(studyInstanceUID, StandardCharsets.UTF_8),
                Duration.ofSeconds(60)).GET().build();
        HttpResponse<InputStream> rsp = send(peer, req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = rsp.body()) {
            if (rsp.statusCode() != 200) {
                throw failure(peer, "sent no copy list", rsp.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return AnnouncementCodec.read(in);
        }
    }

    /**
     * Starts sending an object to {@code peer} while it is being stored here ({@code body}: File Meta Information
     * and data set, as stored, ending when the local object is complete, or with an error when it will not be
     * stored, which cuts the request off so the peer keeps nothing). The peer stores and indexes it as its own
     * copy; the origin's copy reaches it by announcement. The answer: the peer's copy once it is durable there.
     * No time limit: the body lasts as long as the sender takes; the caller bounds its wait for the answer.
     */
    public java.util.concurrent.CompletableFuture<PeerCopy> streamCopy(ClusterNode peer, String origin, String sourceAET,
                                                                       java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(peer.peerUrl(tls) + "/peer/instances/streamed"))
                .header(ORIGIN, origin)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(body));
        if (sourceAET != null) {
            req.header(SOURCE_AET, sourceAET);
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString()).handle((rsp, e) -> {
            if (e != null) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause() : e;
                throw new java.util.concurrent.CompletionException(cause instanceof ConnectException
                        ? new ConnectException("node " + peer.name() + " (" + peer.host() + ":" + peer.peerPort()
                        + ") does not answer")
                        : new IOException("node " + peer.name() + ": " + cause.getMessage(), cause));
            }
            if (rsp.statusCode() != 201 && rsp.statusCode() != 200) {
                throw new java.util.concurrent.CompletionException(failure(peer, "refused the streamed copy",
                        rsp.statusCode(), rsp.body()));
            }
            String key = rsp.headers().firstValue(KEY).orElse(null);
            if (key == null) {
                throw new java.util.concurrent.CompletionException(new IOException(peer.name() + " sent no copy key"));
            }
            return new PeerCopy(key, rsp.headers().firstValueAsLong(SIZE).orElse(-1),
                    rsp.headers().firstValue(CHECKSUM).orElse(null));
        });
    }

    /**
     * Asks {@code peer} to take back its copy {@code storageKey} of an instance (streamed there, then refused here
     * or found different): it forgets it, and the instance too if that was its only copy. Not there: no change.
     */
    public void withdrawCopy(ClusterNode peer, String origin, String sopInstanceUID, String storageKey)
            throws IOException {
        HttpRequest req = request(peer, "/peer/instances?sop=" + URLEncoder.encode(sopInstanceUID, StandardCharsets.UTF_8)
                + "&key=" + URLEncoder.encode(storageKey, StandardCharsets.UTF_8), Duration.ofSeconds(30))
                .header(ORIGIN, origin).DELETE().build();
        HttpResponse<String> rsp = send(peer, req, HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200 && rsp.statusCode() != 404) {
            throw failure(peer, "did not take back its copy " + storageKey, rsp.statusCode(), rsp.body());
        }
    }

    /**
     * Asks {@code peer} to deliver what its outbox holds for {@code self} now, and answers once it has (or after
     * the peer's bound, about {@code millis}): the read barrier's request.
     */
    public void flush(ClusterNode peer, String self, long millis) throws IOException {
        HttpRequest req = request(peer, "/peer/flush?for=" + URLEncoder.encode(self, StandardCharsets.UTF_8)
                + "&millis=" + millis, Duration.ofMillis(millis + 1000))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> rsp = send(peer, req, HttpResponse.BodyHandlers.ofString());
        if (rsp.statusCode() != 200) {
            throw failure(peer, "did not flush its news for " + self, rsp.statusCode(), rsp.body());
        }
    }

    private HttpRequest.Builder request(ClusterNode peer, String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(peer.peerUrl(tls) + path)).timeout(timeout);
    }

    private <T> HttpResponse<T> send(ClusterNode peer, HttpRequest req, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        try {
            return http.send(req, handler);
        } catch (ConnectException e) {
            throw new ConnectException("node " + peer.name() + " (" + peer.host() + ":" + peer.peerPort()
                    + ") does not answer");
        } catch (HttpTimeoutException e) {
            throw new IOException("node " + peer.name() + " did not answer in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to node " + peer.name());
        } catch (IOException e) {
            throw new IOException("node " + peer.name() + ": " + e.getMessage(), e);
        }
    }

    private static IOException failure(ClusterNode peer, String what, int status, String body) {
        return new IOException("node " + peer.name() + " " + what + " (HTTP " + status + (body == null || body.isBlank()
                ? "" : ": " + body.strip()) + ")");
    }
}
