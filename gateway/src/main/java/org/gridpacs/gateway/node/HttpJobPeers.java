package org.gridpacs.gateway.node;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.gridpacs.dose.jobs.DoseJobService;
import org.gridpacs.dose.jobs.DoseJobsPeerHandler;
import org.gridpacs.dose.jobs.JobPeers;
import org.gridpacs.dose.jobs.JobRecord;
import org.gridpacs.dose.jobs.JobRowJson;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dose service's calls to {@link DoseJobsPeerHandler} on other nodes, over the peer connector with the
 * cluster's mutual TLS (plain HTTP when cluster TLS is off). Short timeouts: rows are best effort, and a node that
 * starts must not wait long on a peer that does not answer.
 */
final class HttpJobPeers implements JobPeers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "/peer/dose/jobs";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ClusterConfig cluster;
    private final HttpClient http;
    private final boolean tls;

    /** {@code sslContext} null: plain HTTP. */
    HttpJobPeers(ClusterConfig cluster, SSLContext sslContext) {
        this.cluster = cluster;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (sslContext != null) {
            // the peer transport's policy: the peer's certificate must be the cluster CA's and name the host
            b.sslContext(sslContext).sslParameters(TlsContexts.clientParameters(sslContext, true));
        }
        this.http = b.build();
        this.tls = sslContext != null;
    }

    @Override
    public void send(String peer, JobRecord row) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, "/" + enc(row.id()))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JobRowJson.row(row).toString())).build());
        if (rsp.statusCode() != 200) {
            throw failure(peer, "refused the row of dose job " + row.id(), rsp);
        }
    }

    @Override
    public List<JobRecord> rows(String peer) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, "").GET().build());
        if (rsp.statusCode() != 200) {
            throw failure(peer, "sent no dose job rows", rsp);
        }
        return JobRowJson.parseRows(JSON.readTree(rsp.body()));
    }

    @Override
    public CancelReply cancel(String peer, String id) throws IOException {
        HttpResponse<String> rsp = call(peer, request(peer, "/" + enc(id)).DELETE().build());
        DoseJobService.CancelOutcome outcome = switch (rsp.statusCode()) {
            case 200 -> DoseJobService.CancelOutcome.CANCELLED;
            case 409 -> DoseJobService.CancelOutcome.ALREADY_FINISHED;
            case 404 -> DoseJobService.CancelOutcome.NOT_FOUND;
            default -> throw failure(peer, "did not cancel dose job " + id, rsp);
        };
        JsonNode body = JSON.readTree(rsp.body());
        return new CancelReply(outcome, body.has("id") ? JobRowJson.parse(body) : null);
    }

    private HttpRequest.Builder request(String peer, String path) throws IOException {
        ClusterNode node;
        try {
            node = cluster.node(peer);
        } catch (RuntimeException e) {
            throw new IOException("node " + peer + " is not a member of the cluster", e);
        }
        return HttpRequest.newBuilder(URI.create(node.peerUrl(tls) + BASE + path)).timeout(TIMEOUT);
    }

    private HttpResponse<String> call(String peer, HttpRequest req) throws IOException {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new ConnectException("node " + peer + " does not answer on its peer port");
        } catch (HttpTimeoutException e) {
            throw new IOException("node " + peer + " did not answer in " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to node " + peer);
        } catch (IOException e) {
            throw new IOException("node " + peer + ": " + e.getMessage(), e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static IOException failure(String peer, String what, HttpResponse<String> rsp) {
        return new IOException("node " + peer + " " + what + " (HTTP " + rsp.statusCode() + ": "
                + rsp.body().strip() + ")");
    }
}
