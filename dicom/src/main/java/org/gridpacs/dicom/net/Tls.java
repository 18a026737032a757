package org.gridpacs.dicom.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * DICOM over TLS (PS3.15 B.9, the BCP 195 profiles): TLS 1.3 and 1.2 only, with mutual authentication by
 * X.509 certificates when {@code needClientAuth} is set.
 */
public record Tls(SSLContext context, boolean needClientAuth) {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** From a PKCS#12 (or JKS) key store holding our key and certificate, and a trust store of accepted CAs. */
    public static Tls fromKeyStores(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
                                    boolean needClientAuth) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, trustStorePassword));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new Tls(ctx, needClientAuth);
    }

    private static KeyStore load(Path path, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(path.toString().endsWith(".jks") ? "JKS" : "PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password);
        }
        return ks;
    }

    /** Wraps an accepted TCP socket as the server side and completes the handshake. */
    SSLSocket serverSide(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(PROTOCOLS);
        s.setNeedClientAuth(needClientAuth);
        s.startHandshake();
        return s;
    }

    /** Wraps a connected TCP socket as the client side and completes the handshake. */
    SSLSocket clientSide(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        s.setUseClientMode(true);
        s.setEnabledProtocols(PROTOCOLS);
        s.startHandshake();
        return s;
    }

}
