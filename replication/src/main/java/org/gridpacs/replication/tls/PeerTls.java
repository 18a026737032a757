package org.gridpacs.replication.tls;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.gridpacs.pki.Certificates;
import org.gridpacs.pki.KeyStores;
import org.gridpacs.pki.TlsContexts;
import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.TlsConnectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS between nodes: this node's key store and the cluster CA as the only trust anchor, so a peer (server or
 * client) gets in only with a certificate the cluster CA issued and its revocation list does not name
 * ({@link ClusterCrl}, on both sides of every connection). The context and policy are {@link TlsContexts}';
 * what is here is the cluster's: the start-up checks, the Jetty connector and the peer client.
 */
public final class PeerTls {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTls.class);
    private final SSLContext context;
    /** Null: no revocation list (a context made by a test). */
    private final ClusterCrl crl;

    PeerTls(SSLContext context) {
        this(context, null);
    }

    private PeerTls(SSLContext context, ClusterCrl crl) {
        this.context = context;
        this.crl = crl;
        if (crl != null) {
            // a resumed session skips the trust manager: after a change of the list every peer shakes hands afresh
            crl.onChange(() -> forgetSessions(context));
        }
    }

    /** Reads the key and trust stores; fails, naming the file, when this node's certificate is not from the cluster CA. */
    public static PeerTls load(ClusterConfig.Tls tls) throws IOException, GeneralSecurityException {
        KeyStore keys = load(tls.keyStore(), tls.keyStorePassword());
        KeyStore trust = load(tls.trustStore(), tls.trustStorePassword());
        X509Certificate own = (X509Certificate) KeyStores.privateKey(keys, tls.keyStorePassword(), tls.keyStore())
                .getCertificate();
        List<X509Certificate> anchors = KeyStores.trusted(trust);
        if (anchors.isEmpty()) {
            throw new IOException(tls.trustStore() + " holds no trusted certificate");
        }
        // caught here, a mix-up of files reads better than every handshake failing later
        if (!Certificates.issuedBy(own, anchors)) {
            throw new IOException("the certificate in " + tls.keyStore() + " (" + own.getSubjectX500Principal()
                    + ") was not issued by the CA in " + tls.trustStore());
        }
        own.checkValidity();
        ClusterCrl crl = ClusterCrl.of(tls);
        if (crl.refusal(own) != null) {
            // the peers would refuse this node; better said here than in every handshake
            throw new IOException("the certificate in " + tls.keyStore() + " cannot be used: " + crl.refusal(own));
        }
        LOG.info("Peer TLS: this node is {} ({}), certificate valid until {}; trusting {}", own.getSubjectX500Principal(),
                String.join(", ", Certificates.names(own)), own.getNotAfter().toInstant(),
                anchors.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        return new PeerTls(TlsContexts.contextTrusting(keys, tls.keyStorePassword(), new PeerTrustManager(crl)), crl);
    }

    /** A key store, or how to make the missing one. */
    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        try {
            return KeyStores.load(file, password);
        } catch (IOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new IOException(e.getMessage() + " (make it with scripts/cluster-certs)", e);
            }
            throw e;
        }
    }

    public SSLContext sslContext() {
        return context;
    }

    /** HTTPS connectors for the peer endpoints that refuse clients without a certificate from the cluster CA. */
    public NodeHttpServer.ConnectorFactory serverConnectors() {
        return crl == null ? TlsConnectors.mutual(context, "peer endpoints")
                : TlsConnectors.mutual(context, "peer endpoints", crl::refusal);
    }

    private static void forgetSessions(SSLContext context) {
        for (javax.net.ssl.SSLSessionContext sessions : java.util.List.of(context.getClientSessionContext(),
                context.getServerSessionContext())) {
            for (java.util.Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
                javax.net.ssl.SSLSession s = sessions.getSession(ids.nextElement());
                if (s != null) {
                    s.invalidate();
                }
            }
        }
    }

    /**
     * An HTTP client builder for requests to peers: presents this node's certificate, trusts only the cluster CA, and
     * checks that the peer's certificate names the host in the URL.
     */
    public HttpClient.Builder clientBuilder() {
        return HttpClient.newBuilder().sslContext(context).sslParameters(TlsContexts.clientParameters(context, true));
    }
}
