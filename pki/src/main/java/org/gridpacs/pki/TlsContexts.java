package org.gridpacs.pki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The one TLS policy of GridPACS (DICOM TLS, the peer transport, later federation and the grid): TLS 1.3 and 1.2
 * only, with forward-secret AEAD cipher suites (BCP 195, RFC 9325; the DICOM BCP 195 profiles of PS3.15 B.9), and
 * the SSLContexts and the client and server parameters that apply it.
 */
public final class TlsContexts {
    /** The protocols every GridPACS endpoint speaks, newest first. */
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Whether a server asks its clients for a certificate. */
    public enum ClientAuth { NONE, WANT, NEED }

    private TlsContexts() {
    }

    /**
     * An SSLContext presenting the key in {@code keys} (null: no certificate of our own, a client only) and trusting
     * the certificates of {@code trust} (null: the JDK's default CAs).
     */
    public static SSLContext context(KeyStore keys, char[] keyPassword, KeyStore trust) throws GeneralSecurityException {
        KeyManagerFactory kmf = null;
        if (keys != null) {
            // PKIX (the JDK's NewSunX509): picks the key that fits the handshake and checks the certificate's usage
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, keyPassword);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * An SSLContext presenting the key in {@code keys} and deciding trust with {@code trust} (a trust manager of the
     * caller's, such as one that also checks a revocation list: {@link RevocationLists#trustManager}).
     */
    public static SSLContext contextTrusting(KeyStore keys, char[] keyPassword, X509ExtendedTrustManager trust)
            throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, keyPassword);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
        return ctx;
    }

    /** The same from key store files (either may be null), with errors that name the file. */
    public static SSLContext context(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException, GeneralSecurityException {
        return context(keyStore == null ? null : KeyStores.load(keyStore, keyStorePassword), keyStorePassword,
                trustStore == null ? null : KeyStores.load(trustStore, trustStorePassword));
    }

    public static String[] protocols() {
        return PROTOCOLS.toArray(String[]::new);
    }

    /** The cipher suites of {@code ctx} that the policy allows, in the JDK's order of preference. */
    public static String[] cipherSuites(SSLContext ctx) {
        return Arrays.stream(ctx.getDefaultSSLParameters().getCipherSuites()).filter(TlsContexts::allowed)
                .toArray(String[]::new);
    }

    /** The policy: every TLS 1.3 suite (all AEAD), and for TLS 1.2 ECDHE or DHE-RSA with AES-GCM or ChaCha20. */
    static boolean allowed(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        // signals secure renegotiation to old peers; not a cipher
        if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            return true;
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_ECDSA_") || suite.startsWith("TLS_ECDHE_RSA_")
                || suite.startsWith("TLS_DHE_RSA_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead;
    }

    /** A server's parameters: the policy, and whether clients must present a certificate. */
    public static SSLParameters serverParameters(SSLContext ctx, ClientAuth clientAuth) {
        SSLParameters p = policy(ctx);
        switch (clientAuth) {
            case NEED -> p.setNeedClientAuth(true);
            case WANT -> p.setWantClientAuth(true);
            case NONE -> p.setNeedClientAuth(false);
        }
        return p;
    }

    /**
     * A client's parameters: the policy and, with {@code checkHostName}, the check that the server's certificate
     * names the host the client connects to (RFC 2818 rules, as HTTPS does). Without it any certificate the trust
     * store vouches for is accepted, which is right where peers are known by certificate rather than address.
     */
    public static SSLParameters clientParameters(SSLContext ctx, boolean checkHostName) {
        SSLParameters p = policy(ctx);
        if (checkHostName) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        return p;
    }

    private static SSLParameters policy(SSLContext ctx) {
        SSLParameters p = ctx.getDefaultSSLParameters();
        p.setProtocols(protocols());
        p.setCipherSuites(cipherSuites(ctx));
        return p;
    }
}
