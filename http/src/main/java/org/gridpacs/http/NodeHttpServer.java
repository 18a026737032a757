package org.gridpacs.http;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.gridpacs.http.auth.BasicAuthentication;
import org.gridpacs.http.auth.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP service (one Jetty server) with two connectors, each with its own routes:
 * <ul>
 * <li>the <b>user</b> connector: what the load balancer and people reach ({@code /health}, later DICOMweb, the
 * viewer, dose jobs);</li>
 * <li>the optional <b>peer</b> connector: the cluster-internal endpoints ({@code /peer/*}), on an address and port
 * of its own and, by default, mutual TLS ({@link TlsConnectors#mutual}), so that nothing reaches them without a
 * certificate of the cluster.</li>
 * </ul>
 * A route is served only on the connector it was added for: {@code /peer/*} on the user port answers 404.
 * User routes need an account ({@link BasicAuthentication} over {@link #users}) unless added as public
 * ({@code /health}, which the load balancer polls): secure by default, a route that forgets to ask is protected.
 */
public final class NodeHttpServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHttpServer.class);

    /** Makes a listening connector: plain HTTP by default, TLS from {@link TlsConnectors}. */
    @FunctionalInterface
    public interface ConnectorFactory {
        ServerConnector create(Server server);
    }

    /** Plain HTTP, for the user connector (and the peer connector when cluster TLS is switched off). */
    public static final ConnectorFactory PLAIN = ServerConnector::new;

    /** Where one connector listens, how it is made and what it serves. */
    private static final class Endpoint {
        final String name;
        final String host;
        final int port;
        final ConnectorFactory factory;
        final Map<String, Handler> routes = new LinkedHashMap<>();
        final java.util.Set<String> open = new java.util.HashSet<>();
        ServerConnector connector;

        Endpoint(String name, String host, int port, ConnectorFactory factory) {
            this.name = name;
            this.host = host;
            this.port = port;
            this.factory = factory;
        }
    }

    private final Endpoint user;
    private Endpoint peer;
    private UserAccounts accounts = UserAccounts.none();
    private Server server;

    /** A user connector with plain HTTP. */
    public NodeHttpServer(String host, int port) {
        this(host, port, PLAIN);
    }

    public NodeHttpServer(String host, int port, ConnectorFactory connectors) {
        this.user = new Endpoint("user", host, port, connectors);
    }

    /** Adds the cluster-internal connector (call before {@link #peerRoute}). */
    public NodeHttpServer peerConnector(String host, int port, ConnectorFactory connectors) {
        this.peer = new Endpoint("peer", host, port, connectors);
        return this;
    }

    /**
     * Serves {@code pathSpec} (a servlet-style path spec: "/dose/jobs/*", "/dicom-web/*") on the user connector, to
     * holders of an account only.
     */
    public NodeHttpServer route(String pathSpec, Handler handler) {
        user.routes.put(pathSpec, handler);
        user.open.remove(pathSpec);
        return this;
    }

    /** Serves {@code pathSpec} on the user connector to anyone: only for what holds no patient data (/health). */
    public NodeHttpServer publicRoute(String pathSpec, Handler handler) {
        user.routes.put(pathSpec, handler);
        user.open.add(pathSpec);
        return this;
    }

    /** The accounts the user routes accept (none by default: they refuse everyone). */
    public NodeHttpServer users(UserAccounts accounts) {
        this.accounts = accounts;
        return this;
    }

    /** Serves {@code pathSpec} ("/peer/*") on the peer connector only. */
    public NodeHttpServer peerRoute(String pathSpec, Handler handler) {
        if (peer == null) {
            throw new IllegalStateException("no peer connector: call peerConnector first");
        }
        peer.routes.put(pathSpec, handler);
        return this;
    }

    public NodeHttpServer start() throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        server = new Server(threads);
        List<Handler> perConnector = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            e.connector = e.factory.create(server);
            e.connector.setName(e.name);
            e.connector.setHost(e.host);
            e.connector.setPort(e.port);
            server.addConnector(e.connector);
            PathMappingsHandler mappings = new PathMappingsHandler();
            e.routes.forEach((spec, handler) -> mappings.addMapping(PathSpec.from(spec),
                    e == peer || e.open.contains(spec) ? handler : new BasicAuthentication(accounts, "GridPACS", handler)));
            perConnector.add(new OnConnector(e.connector, mappings));
        }
        server.setHandler(new Handler.Sequence(perConnector));
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception ex) {
            close();
            throw new IOException("cannot start the HTTP service on " + describe() + ": " + ex.getMessage(), ex);
        }
        for (Endpoint e : endpoints()) {
            LOG.info("HTTP {} connector listening on {}:{}{}; serving {}", e.name, e.host, e.connector.getLocalPort(),
                    tls(e.connector) ? " (TLS, client certificate required)" : "", e.routes.keySet());
        }
        return this;
    }

    private List<Endpoint> endpoints() {
        return peer == null ? List.of(user) : List.of(user, peer);
    }

    private String describe() {
        return endpoints().stream().map(e -> e.host + ":" + e.port + " (" + e.name + ")").toList().toString();
    }

    private static boolean tls(ServerConnector c) {
        return c.getConnectionFactory(SslConnectionFactory.class) != null;
    }

    /** The user connector's port (the configured one, or the free one found for 0). */
    public int port() {
        return user.connector.getLocalPort();
    }

    /** The peer connector's port; IllegalStateException when there is none. */
    public int peerPort() {
        if (peer == null) {
            throw new IllegalStateException("this HTTP service has no peer connector");
        }
        return peer.connector.getLocalPort();
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("While stopping the HTTP service: {}", e.toString());
            }
        }
    }

    /** Passes requests that arrived on one connector to its routes; the others go on to the next. */
    private static final class OnConnector extends Handler.Wrapper {
        private final ServerConnector connector;

        OnConnector(ServerConnector connector, Handler routes) {
            super(routes);
            this.connector = connector;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            return request.getConnectionMetaData().getConnector() == connector
                    && super.handle(request, response, callback);
        }
    }
}
