package org.gridpacs.gateway.node;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.gridpacs.grid.GridSettings;
import org.gridpacs.grid.tier.TierCluster;
import org.gridpacs.replication.Replication;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.replication.config.ClusterNode;
import org.gridpacs.pki.TlsContexts;

/**
 * The grid tier's view of the cluster: news of copies through replication's outbox, and {@link GridPeerHandler}'s
 * release on the other nodes over the peer connector (mutual TLS when cluster TLS is on).
 */
final class GridTierCluster implements TierCluster {
    /** A release removes a study's copies on the peer: a few seconds for a large study. */
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private final ClusterConfig cluster;
    private final Replication replication;
    private final HttpClient http;
    private final boolean tls;

    GridTierCluster(ClusterConfig cluster, Replication replication, SSLContext sslContext) {
        this.cluster = cluster;
        this.replication = replication;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (sslContext != null) {
            b.sslContext(sslContext).sslParameters(TlsContexts.clientParameters(sslContext, true));
        }
        this.http = b.build();
        this.tls = sslContext != null;
    }

    @Override
    public List<String> peers() {
        return cluster.peers().stream().map(ClusterNode::name).toList();
    }

    @Override
    public void gridCopyMade(Connection c, String sopInstanceUID) throws SQLException {
        replication.sharedCopyMade(c, sopInstanceUID, GridSettings.STORAGE_ID);
    }

    @Override
    public void homeCopyMade(Connection c, String sopInstanceUID) throws SQLException {
        replication.homeCopyChanged(c, sopInstanceUID, null, false);
    }

    @Override
    public void homeCopyDropped(Connection c, String sopInstanceUID, String storageKey) throws SQLException {
        replication.homeCopyChanged(c, sopInstanceUID, storageKey, true);
    }

    @Override
    public void committed() {
        replication.newsQueued();
    }

    @Override
    public void release(String peer, String studyInstanceUID) throws IOException {
        post(peer, GridPeerHandler.RELEASE, studyInstanceUID);
    }

    @Override
    public void restored(String peer, String studyInstanceUID) throws IOException {
        post(peer, GridPeerHandler.RESTORED, studyInstanceUID);
    }

    private void post(String peer, String path, String studyInstanceUID) throws IOException {
        URI uri = URI.create(cluster.node(peer).peerUrl(tls) + path + "?study="
                + URLEncoder.encode(studyInstanceUID, StandardCharsets.UTF_8));
        HttpResponse<String> rsp;
        try {
            rsp = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while talking to node " + peer);
        } catch (IOException e) {
            throw new IOException("node " + peer + " unreachable: " + e, e);
        }
        if (rsp.statusCode() != 204) {
            throw new IOException("node " + peer + " kept its copies (HTTP " + rsp.statusCode() + ": "
                    + rsp.body().strip() + ")");
        }
    }
}
