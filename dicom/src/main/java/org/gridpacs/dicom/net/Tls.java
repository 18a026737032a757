package org.gridpacs.dicom.net;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.gridpacs.pki.TlsContexts;

/**
 * DICOM over TLS (PS3.15 B.9, the BCP 195 profiles): the protocols and cipher suites of {@link TlsContexts}, with
 * mutual authentication by X.509 certificates when {@code needClientAuth} is set, and optionally a check that the
 * peer's certificate belongs to the AE title it claims ({@code peerCheck}, null: none).
 */
public record Tls(SSLContext context, boolean needClientAuth, TlsPeerCheck peerCheck) {

    public Tls(SSLContext context, boolean needClientAuth) {
        this(context, needClientAuth, null);
    }

    /** The same, checking every peer's certificate against its AE title with {@code check}. */
    public Tls withPeerCheck(TlsPeerCheck check) {
        return new Tls(context, needClientAuth, check);
    }

    /**
     * Null when there is no peer check or it lets {@code s}'s peer be {@code aeTitle}; otherwise why not. A peer
     * without a certificate is refused (only a server that does not need one lets it through the handshake).
     */
    String peerRefusal(Socket s, String aeTitle) {
        if (peerCheck == null) {
            return null;
        }
        java.security.cert.Certificate[] chain;
        try {
            chain = ((SSLSocket) s).getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "it presented no certificate";
        }
        if (chain.length == 0 || !(chain[0] instanceof java.security.cert.X509Certificate cert)) {
            return "it presented no X.509 certificate";
        }
        return peerCheck.refusal(aeTitle, cert, s.getRemoteSocketAddress());
    }

    /**
     * From a PKCS#12 (or {@code .jks}) key store holding our key and certificate, and a trust store of accepted CAs.
     * Either may be null: a client without a certificate of its own, or one trusting the JDK's CAs. Errors name the
     * file.
     */
    public static Tls fromKeyStores(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword,
                                    boolean needClientAuth) throws IOException, GeneralSecurityException {
        return new Tls(TlsContexts.context(keyStore, keyStorePassword, trustStore, trustStorePassword), needClientAuth,
                null);
    }

    /** Wraps an accepted TCP socket as the server side and completes the handshake. */
    SSLSocket serverSide(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        s.setUseClientMode(false);
        s.setSSLParameters(TlsContexts.serverParameters(context,
                needClientAuth ? TlsContexts.ClientAuth.NEED : TlsContexts.ClientAuth.NONE));
        s.startHandshake();
        return s;
    }

    /**
     * Wraps a connected TCP socket as the client side and completes the handshake. The server's certificate is not
     * checked against the host name: DICOM peers are configured by address and known by a certificate from a trusted
     * CA (PS3.15 B.9 asks no more), and many carry a certificate without the address they are reached at.
     */
    SSLSocket clientSide(Socket plain, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        s.setUseClientMode(true);
        s.setSSLParameters(TlsContexts.clientParameters(context, false));
        s.startHandshake();
        return s;
    }
}
