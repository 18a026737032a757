package org.gridpacs.replication.commitment;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.gridpacs.archive.commitment.CommitmentPeers;
import org.gridpacs.archive.commitment.CommitmentRequest;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.replication.membership.Membership;

/**
 * The commitment service's calls to {@link CommitmentPeerHandler} on the other nodes, over the peer connector with
 * the cluster's mutual TLS (plain HTTP when cluster TLS is off). Short timeouts: an N-ACTION-RSP waits for the
 * hand-over to the live peers.
 */
public final class HttpCommitmentPeers implements CommitmentPeers {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ClusterConfig cluster;
    private final Membership membership;
    private final HttpClient http;
    private final boolean tls;

    /** {@code sslContext} null: plain HTTP. */
    public HttpCommitmentPeers(ClusterConfig cluster, Membership membership, SSLContext sslContext) {
        this.cluster = cluster;
        this.membership = membership;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (sslContext != null) {
            b.sslContext(sslContext).sslParameters(TlsContexts.clientParameters(sslContext, true));
        }
        this.http = b.build();
        this.tls = sslContext != null;
    }

    @Override
    public String self() {
        return cluster.self();
    }

    @Override
    public List<String> liveNodes() {
        return membership.liveNodes();
    }

    @Override
    public void offer(String peer, CommitmentRequest request) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, request.transactionUID(), "")
                .header("Content-Type", "text/plain; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(CommitmentWire.encode(request))).build());
        if (rsp.statusCode() != 204) {
            throw failure(peer, "refused commitment request " + request.transactionUID(), rsp);
        }
    }

    @Override
    public void done(String peer, String transactionUID) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, transactionUID,
                "?by=" + URLEncoder.encode(cluster.self(), StandardCharsets.UTF_8)).DELETE().build());
        if (rsp.statusCode() != 204) {
            throw failure(peer, "did not drop commitment request " + transactionUID, rsp);
        }
    }

    @Override
    public boolean isDone(String peer, String transactionUID) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, transactionUID, "").GET().build());
        return switch (rsp.statusCode()) {
            case 200 -> true;
            case 404 -> false;
            default -> throw failure(peer, "did not say whether " + transactionUID + " is answered", rsp);
        };
    }

    private HttpRequest.Builder request(String peer, String transactionUID, String query) throws IOException {
        ClusterNode node;
        try {
            node = cluster.node(peer);
        } catch (RuntimeException e) {
            throw new IOException("node " + peer + " is not a member of the cluster", e);
        }
        return HttpRequest.newBuilder(URI.create(node.peerUrl(tls) + CommitmentPeerHandler.BASE
                + transactionUID + query)).timeout(TIMEOUT);
    }

    private HttpResponse<String> call(String peer, HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to node " + peer);
        } catch (IOException e) {
            throw new IOException("node " + peer + ": " + e, e);
        }
    }

    private static IOException failure(String peer, String what, HttpResponse<String> rsp) {
        return new IOException("node " + peer + " " + what + " (HTTP " + rsp.statusCode() + ": "
                + rsp.body().strip() + ")");
    }
}
