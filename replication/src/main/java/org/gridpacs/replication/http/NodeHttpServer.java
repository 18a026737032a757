package org.gridpacs.replication.http;

import java.io.Closeable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.PathMappingsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP service (Jetty): the health check the load balancer polls, the peer transfer between nodes,
 * and later DICOMweb and the viewer. Handlers are mounted by path before {@link #start}.
 */
public final class NodeHttpServer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHttpServer.class);
    private final Map<String, Handler> routes = new LinkedHashMap<>();
    private final String host;
    private final int port;
    private final ConnectorFactory connectors;
    private Server server;
    private ServerConnector connector;

    /** Makes the listening connector; plain HTTP by default, mutual TLS from {@code PeerTls}. */
    @FunctionalInterface
    public interface ConnectorFactory {
        ServerConnector create(Server server);
    }

    public NodeHttpServer(String host, int port) {
        this(host, port, ServerConnector::new);
    }

    public NodeHttpServer(String host, int port, ConnectorFactory connectors) {
        this.host = host;
        this.port = port;
        this.connectors = connectors;
    }

    /** Serves {@code pathSpec} (a servlet-style path spec: "/health", "/peer/*") with {@code handler}. */
    public NodeHttpServer route(String pathSpec, Handler handler) {
        routes.put(pathSpec, handler);
        return this;
    }

    public NodeHttpServer start() throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        server = new Server(threads);
        connector = connectors.create(server);
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        PathMappingsHandler mappings = new PathMappingsHandler();
        routes.forEach((spec, handler) -> mappings.addMapping(PathSpec.from(spec), handler));
        server.setHandler(mappings);
        server.setStopTimeout(2000);
        try {
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("cannot start the HTTP service on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        boolean tls = connector.getConnectionFactory(org.eclipse.jetty.server.SslConnectionFactory.class) != null;
        LOG.info("HTTP service listening on {}:{}{}", host, port(), tls ? " (mutual TLS)" : "");
        return this;
    }

    /** The port listened on (the configured one, or the free one found for 0). */
    public int port() {
        return connector.getLocalPort();
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
}
