package org.gridpacs.http;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

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
import org.gridpacs.http.auth.Caller;
import org.gridpacs.http.auth.LocalAccess;
import org.gridpacs.http.auth.LoginPage;
import org.gridpacs.http.auth.Sessions;
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
 * User routes need an account unless added as public ({@code /health}, which the load balancer polls): secure by
 * default, a route that forgets to ask is protected. How depends on the {@link HttpAccess}:
 * <ul>
 * <li>{@link HttpAccess#NETWORK} (the default): HTTP Basic or a session of the login page ({@link LoginPage}, served
 * at /login and /logout), {@link BasicAuthentication} over {@link #users};</li>
 * <li>{@link HttpAccess#LOOPBACK}: no login ({@link LocalAccess}, as {@link Caller#LOCAL}), and so only on a loopback
 * address: {@link #start} refuses any other.</li>
 * </ul>
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
    private HttpAccess access = HttpAccess.NETWORK;
    private Duration sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
    private Server server;

    /** How long a browser session of the login page lives without a request. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);

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

    /** Whether the user routes need a login ({@link HttpAccess#NETWORK}, the default) or not (loopback only). */
    public NodeHttpServer access(HttpAccess access) {
        this.access = java.util.Objects.requireNonNull(access);
        return this;
    }

    /** The idle timeout of the login page's sessions (network access). */
    public NodeHttpServer sessionIdleTimeout(Duration idle) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the session idle timeout must be positive, not " + idle);
        }
        this.sessionIdleTimeout = idle;
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
        UnaryOperator<Handler> guard = userGuard();
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
                    e == peer || e.open.contains(spec) ? handler : guard.apply(handler)));
            perConnector.add(new OnConnector(e.connector, mappings));
        }
        server.setHandler(new RefusalCloses(new Handler.Sequence(perConnector)));
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception ex) {
            close();
            throw new IOException("cannot start the HTTP service on " + describe() + ": " + ex.getMessage(), ex);
        }
        for (Endpoint e : endpoints()) {
            LOG.info("HTTP {} connector listening on {}:{}{}; serving {}{}", e.name, e.host, e.connector.getLocalPort(),
                    tls(e.connector) ? (e == peer ? " (TLS, client certificate required)" : " (HTTPS)") : "",
                    e.routes.keySet(), e == user ? "; " + describeAccess() : "");
        }
        if (access == HttpAccess.NETWORK && !tls(user.connector) && !user.routes.keySet().equals(user.open)) {
            LOG.warn("The HTTP user connector on {}:{} needs a login but is not HTTPS: passwords and patient data "
                    + "cross the network in clear unless a proxy in front of it terminates TLS", user.host, port());
        }
        return this;
    }

    /**
     * What stands in front of the protected user routes; for loopback access, first the check that the user
     * connector listens on a loopback address (an IOException saying what to change otherwise).
     */
    private UnaryOperator<Handler> userGuard() throws IOException {
        if (access == HttpAccess.LOOPBACK) {
            if (!isLoopback(user.host)) {
                String why = "http.access = loopback serves without login, so the HTTP user connector must listen on "
                        + "a loopback address (127.0.0.1), not on '" + (user.host == null ? "" : user.host)
                        + "': set http.bindAddress = 127.0.0.1, or http.access = network (login required)";
                LOG.error("Not starting the HTTP service: {}", why);
                throw new IOException(why);
            }
            // credentials brought all the same are checked (BasicAuthentication), else the caller is local
            return handler -> new LocalAccess(new BasicAuthentication(accounts, "GridPACS", handler));
        }
        Sessions sessions = new Sessions(accounts, sessionIdleTimeout);
        LoginPage login = new LoginPage(accounts, sessions);
        if (!user.routes.containsKey(LoginPage.PATH)) {
            publicRoute(LoginPage.PATH, login);
        }
        if (!user.routes.containsKey(LoginPage.LOGOUT_PATH)) {
            publicRoute(LoginPage.LOGOUT_PATH, login);
        }
        return handler -> new BasicAuthentication(accounts, sessions, "GridPACS", handler);
    }

    /** Whether {@code host} names only loopback addresses (null or empty is every interface: no). */
    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private String describeAccess() {
        return access == HttpAccess.LOOPBACK
                ? "loopback only, no login (http.access = loopback; callers are '" + Caller.LOCAL.name() + "')"
                : "login required (HTTP Basic, or the login page at " + LoginPage.PATH + "; sessions end after "
                        + sessionIdleTimeout.toMinutes() + " min idle)";
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
