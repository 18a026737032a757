package org.gridpacs.replication.tls;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import org.gridpacs.replication.config.ClusterConfig;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.TlsConnectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS between nodes: this node's key store and the cluster CA as the only trust anchor, so a peer (server or
 * client) gets in only with a certificate the cluster CA issued.
 */
public final class PeerTls {
    private static final Logger LOG = LoggerFactory.getLogger(PeerTls.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private final SSLContext context;

    PeerTls(SSLContext context) {
        this.context = context;
    }

    /** Reads the key and trust stores; fails, naming the file, when this node's certificate is not from the cluster CA. */
    public static PeerTls load(ClusterConfig.Tls tls) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStores.load(tls.keyStore(), tls.keyStorePassword());
        KeyStore trust = KeyStores.load(tls.trustStore(), tls.trustStorePassword());
        X509Certificate own = (X509Certificate) KeyStores.privateKey(keys, tls.keyStorePassword(), tls.keyStore())
                .getCertificate();
        List<X509Certificate> anchors = trusted(trust);
        if (anchors.isEmpty()) {
            throw new IOException(tls.trustStore() + " holds no trusted certificate");
        }
        // caught here, a mix-up of files reads better than every handshake failing later
        if (!issuedBy(own, anchors)) {
            throw new IOException("the certificate in " + tls.keyStore() + " (" + own.getSubjectX500Principal()
                    + ") was not issued by the CA in " + tls.trustStore());
        }
        own.checkValidity();
        LOG.info("Peer TLS: this node is {} ({}), certificate valid until {}; trusting {}", own.getSubjectX500Principal(),
                String.join(", ", names(own)), own.getNotAfter().toInstant(),
                anchors.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        return new PeerTls(context(keys, tls.keyStorePassword(), trust));
    }

    /** An SSLContext with these keys (null: none) and trust anchors; also for tests that need odd combinations. */
    static SSLContext context(KeyStore keys, char[] password, KeyStore trust) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        if (keys != null) {
            kmf.init(keys, password);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    public SSLContext sslContext() {
        return context;
    }

    /** HTTPS connectors for the peer endpoints that refuse clients without a certificate from the cluster CA. */
    public NodeHttpServer.ConnectorFactory serverConnectors() {
        return TlsConnectors.mutual(context, PROTOCOLS, "peer endpoints");
    }

    /**
     * An HTTP client builder for requests to peers: presents this node's certificate, trusts only the cluster CA, and
     * (the JDK client's default) checks that the peer's certificate names the host in the URL.
     */
    public HttpClient.Builder clientBuilder() {
        SSLParameters params = context.getDefaultSSLParameters();
        params.setProtocols(PROTOCOLS);
        return HttpClient.newBuilder().sslContext(context).sslParameters(params);
    }

    static boolean issuedBy(X509Certificate cert, List<X509Certificate> cas) {
        for (X509Certificate ca : cas) {
            if (cert.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
                try {
                    cert.verify(ca.getPublicKey());
                    return true;
                } catch (GeneralSecurityException e) {
                    // same name, another key: try the next anchor
                }
            }
        }
        return false;
    }

    /** The host names and IP addresses in a certificate's subjectAltName. */
    static List<String> names(X509Certificate cert) throws CertificateParsingException {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        List<String> names = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.get(1) instanceof String s) {
                    names.add(s);
                }
            }
        }
        return names;
    }

    private static List<X509Certificate> trusted(KeyStore trust) throws GeneralSecurityException {
        List<X509Certificate> certs = new ArrayList<>();
        for (String alias : Collections.list(trust.aliases())) {
            if (trust.isCertificateEntry(alias)) {
                certs.add((X509Certificate) trust.getCertificate(alias));
            }
        }
        return certs;
    }
}
