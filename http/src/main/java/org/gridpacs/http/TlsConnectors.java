package org.gridpacs.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.gridpacs.pki.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTPS connectors for {@link NodeHttpServer}. */
public final class TlsConnectors {
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnectors.class);
    /** A refused caller is logged at most this often per address: a scanner must not flood the log. */
    private static final long LOG_INTERVAL_MILLIS = 60_000;

    private TlsConnectors() {
    }

    /**
     * A connector that refuses every client without a certificate {@code context}'s trust anchors accept, and logs
     * each refusal (the caller's address and why).
     *
     * @param context this server's key and the trusted CAs; protocols and cipher suites are {@link TlsContexts}'
     * @param what    what the connector serves, for the log ("peer endpoints")
     */
    public static NodeHttpServer.ConnectorFactory mutual(SSLContext context, String what) {
        return mutual(context, what, certificate -> null);
    }

    /**
     * As above, and {@code refusal} has the last word on each client certificate once the handshake succeeded
     * (null: accepted; else why not): it also applies to a resumed TLS session, which the trust manager does not
     * see again, so that a certificate revoked since the session began is refused.
     */
    public static NodeHttpServer.ConnectorFactory mutual(SSLContext context, String what,
                                                         Function<X509Certificate, String> refusal) {
        return server -> connector(server, context, true, new RefusalLog(what, refusal));
    }

    /**
     * HTTPS for the user connector (network access): the site certificate ({@link SiteCertificates}), no client
     * certificate asked for (users log in with a password), {@link TlsContexts}' protocols and cipher suites.
     */
    public static NodeHttpServer.ConnectorFactory server(SSLContext context) {
        return server -> connector(server, context, false, null);
    }

    private static ServerConnector connector(org.eclipse.jetty.server.Server server, SSLContext context,
                                             boolean needClientCertificate, RefusalLog refusals) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(context);
        ssl.setNeedClientAuth(needClientCertificate);
        ssl.setIncludeProtocols(TlsContexts.protocols());
        ssl.setIncludeCipherSuites(TlsContexts.cipherSuites(context));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // peers are addressed by IP, users may come through HAProxy under a name the certificate does not hold; the
        // client checks our certificate against the host it asked for
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        SslConnectionFactory tls = new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString());
        if (refusals != null) {
            tls.addBean(refusals);
        }
        return new ServerConnector(server, tls, new HttpConnectionFactory(http));
    }

    /** Logs failed handshakes: a caller without a valid certificate, or one that does not speak TLS. */
    private static final class RefusalLog implements SslHandshakeListener {
        private final String what;
        private final Function<X509Certificate, String> refusal;
        private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

        RefusalLog(String what, Function<X509Certificate, String> refusal) {
            this.what = what;
            this.refusal = refusal;
        }

        @Override
        public void handshakeSucceeded(Event event) throws SSLException {
            Certificate[] chain = event.getSSLEngine().getSession().getPeerCertificates();
            String why = chain.length > 0 && chain[0] instanceof X509Certificate c ? refusal.apply(c) : "no certificate";
            if (why != null) {
                // Jetty closes the connection on this exception and reports it as a failed handshake
                throw new SSLException(why);
            }
        }

        @Override
        public void handshakeFailed(Event event, Throwable failure) {
            SSLEngine engine = event.getSSLEngine();
            String caller = engine.getPeerHost() + ":" + engine.getPeerPort();
            long now = System.currentTimeMillis();
            Long last = lastLogged.get(engine.getPeerHost());
            if (last != null && now - last < LOG_INTERVAL_MILLIS) {
                LOG.debug("Refused {} on the {}: {}", caller, what, failure.toString());
                return;
            }
            if (lastLogged.size() > 10_000) {
                lastLogged.clear();
            }
            lastLogged.put(engine.getPeerHost(), now);
            LOG.warn("Refused a connection from {} to the {}: no valid cluster certificate ({})", caller, what,
                    failure.getMessage());
        }
    }
}
