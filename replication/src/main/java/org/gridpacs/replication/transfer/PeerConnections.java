package org.gridpacs.replication.transfer;

import java.io.IOException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import org.gridpacs.replication.config.ClusterNode;

/**
 * Connections to each peer for streamed copies, kept open between copies: a TLS handshake per instance would cost
 * more than the copy. A connection idle for longer than {@link #MAX_IDLE_NANOS} is closed rather than reused, before
 * the peer's connector (idle timeout 30 s) closes it under a request.
 */
final class PeerConnections {
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(15);
    /** Idle connections kept per peer, at most (one per association storing at once is the need). */
    private static final int MAX_IDLE_PER_PEER = 16;
    private static final int CONNECT_MILLIS = 2000;

    private final SSLContext tls;
    private final SSLParameters parameters;
    private final Map<String, Deque<PeerConnection>> idle = new ConcurrentHashMap<>();

    /** {@code tls} null: plain HTTP. */
    PeerConnections(SSLContext tls, SSLParameters parameters) {
        this.tls = tls;
        this.parameters = parameters;
    }

    /** An idle connection to {@code peer}, or a new one. */
    PeerConnection borrow(ClusterNode peer) throws IOException {
        Deque<PeerConnection> q = idle.get(peer.name());
        long now = System.nanoTime();
        for (PeerConnection c = q == null ? null : q.pollFirst(); c != null; c = q.pollFirst()) {
            if (c.reusable() && now - c.idleSince() < MAX_IDLE_NANOS
                    && c.peer().peerPort() == peer.peerPort() && c.peer().host().equals(peer.host())) {
                return c;
            }
            c.close();
        }
        return PeerConnection.open(peer, tls, parameters, CONNECT_MILLIS);
    }

    /** Takes back a connection whose answer was read whole; any other is closed. */
    void release(PeerConnection c) {
        if (!c.reusable()) {
            c.close();
            return;
        }
        c.idle(System.nanoTime());
        Deque<PeerConnection> q = idle.computeIfAbsent(c.peer().name(), n -> new ConcurrentLinkedDeque<>());
        if (q.size() >= MAX_IDLE_PER_PEER) {
            c.close();
            return;
        }
        q.offerFirst(c);
    }

    /** Closes every idle connection. */
    void closeAll() {
        idle.values().forEach(q -> {
            for (PeerConnection c = q.pollFirst(); c != null; c = q.pollFirst()) {
                c.close();
            }
        });
    }
}
